import type {JsonObject, JsonValue} from '../../model/json.js'

/**
 * Sets an own property even for keys like `__proto__`, which plain assignment would turn
 * into a prototype change; data keys come straight from user input.
 */
export function putKey(obj: JsonObject, key: string, value: JsonValue): void {
  Object.defineProperty(obj, key, {value, enumerable: true, writable: true, configurable: true})
}
