#include "textflag.h"

// func up3(y unsafe.Pointer, stride uintptr, gb, x unsafe.Pointer, taps, blocks int)
// Eight frames a block: V(2p) holds phase p of frames 0-3 and V(2p+1) of
// frames 4-7; V16/V17 the window's 8 samples at tap j; V18 on tap j's 3
// coefficients, each repeated across its register.
TEXT ·up3(SB), NOSPLIT, $0-48
	MOVD y+0(FP), R0
	MOVD stride+8(FP), R1
	MOVD gb+16(FP), R2
	MOVD x+24(FP), R3
	MOVD taps+32(FP), R4
	MOVD blocks+40(FP), R5
block3:
	VEOR V0.B16, V0.B16, V0.B16
	VEOR V1.B16, V1.B16, V1.B16
	VEOR V2.B16, V2.B16, V2.B16
	VEOR V3.B16, V3.B16, V3.B16
	VEOR V4.B16, V4.B16, V4.B16
	VEOR V5.B16, V5.B16, V5.B16
	MOVD R2, R6
	MOVD R3, R7
	MOVD R4, R8
tap3:
	VLD1 (R7), [V16.S4, V17.S4]
	ADD $4, R7
	VLD1.P 48(R6), [V18.S4, V19.S4, V20.S4]
	VFMLA V18.S4, V16.S4, V0.S4
	VFMLA V19.S4, V16.S4, V2.S4
	VFMLA V20.S4, V16.S4, V4.S4
	VFMLA V18.S4, V17.S4, V1.S4
	VFMLA V19.S4, V17.S4, V3.S4
	VFMLA V20.S4, V17.S4, V5.S4
	SUBS $1, R8
	BNE tap3
	VST1 [V0.S4, V1.S4], (R0)
	MOVD R0, R9
	ADD R1, R9, R9
	VST1 [V2.S4, V3.S4], (R9)
	ADD R1, R9, R9
	VST1 [V4.S4, V5.S4], (R9)
	ADD $32, R0
	ADD $32, R3
	SUBS $1, R5
	BNE block3
	RET

// func up6(y unsafe.Pointer, stride uintptr, gb, x unsafe.Pointer, taps, blocks int)
// Eight frames a block: V(2p) holds phase p of frames 0-3 and V(2p+1) of
// frames 4-7; V16/V17 the window's 8 samples at tap j; V18 on tap j's 6
// coefficients, each repeated across its register.
TEXT ·up6(SB), NOSPLIT, $0-48
	MOVD y+0(FP), R0
	MOVD stride+8(FP), R1
	MOVD gb+16(FP), R2
	MOVD x+24(FP), R3
	MOVD taps+32(FP), R4
	MOVD blocks+40(FP), R5
block6:
	VEOR V0.B16, V0.B16, V0.B16
	VEOR V1.B16, V1.B16, V1.B16
	VEOR V2.B16, V2.B16, V2.B16
	VEOR V3.B16, V3.B16, V3.B16
	VEOR V4.B16, V4.B16, V4.B16
	VEOR V5.B16, V5.B16, V5.B16
	VEOR V6.B16, V6.B16, V6.B16
	VEOR V7.B16, V7.B16, V7.B16
	VEOR V8.B16, V8.B16, V8.B16
	VEOR V9.B16, V9.B16, V9.B16
	VEOR V10.B16, V10.B16, V10.B16
	VEOR V11.B16, V11.B16, V11.B16
	MOVD R2, R6
	MOVD R3, R7
	MOVD R4, R8
tap6:
	VLD1 (R7), [V16.S4, V17.S4]
	ADD $4, R7
	VLD1.P 64(R6), [V18.S4, V19.S4, V20.S4, V21.S4]
	VLD1.P 32(R6), [V22.S4, V23.S4]
	VFMLA V18.S4, V16.S4, V0.S4
	VFMLA V19.S4, V16.S4, V2.S4
	VFMLA V20.S4, V16.S4, V4.S4
	VFMLA V21.S4, V16.S4, V6.S4
	VFMLA V22.S4, V16.S4, V8.S4
	VFMLA V23.S4, V16.S4, V10.S4
	VFMLA V18.S4, V17.S4, V1.S4
	VFMLA V19.S4, V17.S4, V3.S4
	VFMLA V20.S4, V17.S4, V5.S4
	VFMLA V21.S4, V17.S4, V7.S4
	VFMLA V22.S4, V17.S4, V9.S4
	VFMLA V23.S4, V17.S4, V11.S4
	SUBS $1, R8
	BNE tap6
	VST1 [V0.S4, V1.S4], (R0)
	MOVD R0, R9
	ADD R1, R9, R9
	VST1 [V2.S4, V3.S4], (R9)
	ADD R1, R9, R9
	VST1 [V4.S4, V5.S4], (R9)
	ADD R1, R9, R9
	VST1 [V6.S4, V7.S4], (R9)
	ADD R1, R9, R9
	VST1 [V8.S4, V9.S4], (R9)
	ADD R1, R9, R9
	VST1 [V10.S4, V11.S4], (R9)
	ADD $32, R0
	ADD $32, R3
	SUBS $1, R5
	BNE block6
	RET
