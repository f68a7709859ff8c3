// placeholder
export function open() {}
export function onLibrary() {}
