package player

import (
	"errors"
	"fmt"
	"sync"
	"time"
)

// NewOtoOutput is a placeholder until the oto/v2 output lands.
func NewOtoOutput() (Output, error) {
	_ = sync.Mutex{}
	_ = time.Second
	return nil, errors.New(fmt.Sprint("alsa output not built yet"))
}
