// Public entry points of the render engine. `renderKustomization` is what `strata render`,
// diff, apply and sync call; everything below it is pure over the FileSystem port.
export {renderKustomization, type RenderOptions, type RenderResult} from './render.js'
