// placeholder
export function open() {}
