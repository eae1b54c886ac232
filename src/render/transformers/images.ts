import {BoundedCache} from '../../model/bounded-cache.js'
import {UserError, type ErrorOrigin} from '../../model/errors.js'
import {isObject, type JsonObject, type JsonValue} from '../../model/json.js'
import {formatResId, resIdOf, type Resource} from '../../model/resource.js'
import type {ResourceSet} from '../../model/resource-set.js'
import {applyFieldSpecs, type FieldSpec} from '../fieldspec.js'

/** One `images:` entry (kustomize's types.Image). */
export interface ImageSpec {
  /** Image name without tag/digest; kustomize uses it unescaped inside a regex. */
  name: string
  newName?: string
  newTag?: string
  digest?: string
  tagSuffix?: string
}

// kustomize's images table (builtinpluginconsts/images.go). `create: true` is there but has no
// effect: the image filter gives no node kind to create, so nothing is ever created.
export const imagesFieldSpecs: readonly FieldSpec[] = [
  {path: 'spec/containers[]/image', create: true},
  {path: 'spec/initContainers[]/image', create: true},
  {path: 'spec/template/spec/containers[]/image', create: true},
  {path: 'spec/template/spec/initContainers[]/image', create: true},
]

export interface ImagesOptions {
  /** The configured images table (after `configurations:`); kustomize's by default. */
  fieldSpecs?: readonly FieldSpec[]
  /** Where the `images:` list was written, for errors about an entry. */
  origin?: ErrorOrigin
}

/** A place holding an image string: `holder[key]`. */
interface Site {
  holder: JsonObject
  key: string
}

/**
 * `images:`. Each entry runs kustomize's two filters in turn: the legacy one, which rewrites the
 * `image` of every element of any `containers`/`initContainers` list anywhere in the object, then
 * the fieldSpec one. Both see images the table covers, so an entry applies twice there — harmless
 * for newName/newTag/digest, but `tagSuffix` is appended twice, exactly as kustomize does.
 * CustomResourceDefinitions are skipped. Mutates in place and returns the same set.
 */
export function imagesTransformer(images: readonly ImageSpec[], options: ImagesOptions = {}): (set: ResourceSet) => ResourceSet {
  const specs = options.fieldSpecs ?? imagesFieldSpecs
  const matchers = images.map((img, i) => imageMatcher(img.name, {...options.origin, field: `images[${i}].name`}))
  return (set) => {
    if (images.length === 0) return set
    for (const r of set) {
      if (r.obj.kind === 'CustomResourceDefinition') continue
      // The sites don't move while images are rewritten, so find them once for all entries.
      const legacy: Site[] = []
      findContainerImages(r.obj, legacy)
      const configured: Site[] = []
      applyFieldSpecs(r, specs, (holder, key) => configured.push({holder, key}), {create: false})
      images.forEach((img, i) => {
        for (const s of legacy) updateImage(s, img, matchers[i], r)
        for (const s of configured) updateImage(s, img, matchers[i], r)
      })
    }
    return set
  }
}

/** Every container image string in `obj` (what the legacy filter rewrites), for `strata lint`. */
export function containerImages(obj: JsonObject): string[] {
  const sites: Site[] = []
  findContainerImages(obj, sites)
  return sites.map((s) => s.holder[s.key]).filter((v): v is string => typeof v === 'string')
}

/** kustomize's legacy filter walk: children first, then the `containers`/`initContainers` list itself. */
function findContainerImages(node: JsonValue, out: Site[]): void {
  if (Array.isArray(node)) {
    for (const el of node) findContainerImages(el, out)
    return
  }
  if (!isObject(node)) return
  for (const k of Object.keys(node)) {
    const v = node[k]
    findContainerImages(v, out)
    if ((k === 'containers' || k === 'initContainers') && Array.isArray(v)) {
      for (const el of v) if (isObject(el) && 'image' in el) out.push({holder: el, key: 'image'})
    }
  }
}

/** Whether an image reference matches an `images:` entry's name. */
interface ImageMatcher {
  test(image: string): boolean
}

const matcherCache = new BoundedCache<string, ImageMatcher>()

// What may follow the name: kustomize's `(:tag)?(@sha256:digest)?$`.
const tagAndDigest = /^(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$/
// A name of these characters is a pattern of one character per character (`.` any but a line
// terminator, the rest themselves) — nearly every image name is.
const oneCharAtoms = /^[a-zA-Z0-9_/:@.-]*$/

/** kustomize's IsImageMatched: `^name(:tag)?(@sha256:digest)?$` with `name` taken as a regex. */
export function imageMatcher(name: string, origin: ErrorOrigin = {}): ImageMatcher {
  let m = matcherCache.get(name)
  if (m) return m
  if (oneCharAtoms.test(name)) {
    // Matched without a RegExp of its own: V8 compiles each new pattern (twice: bytecode, then
    // native code on its second use), which cost a tree with an image per app more than the rest
    // of the images transformer.
    m = {test: (image) => image.length >= name.length && nameAtStart(image, name) && tagAndDigest.test(image.slice(name.length))}
  } else {
    try {
      m = new RegExp(`^${name}(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$`)
    } catch (e) {
      throw new UserError(`image name ${JSON.stringify(name)} is not a valid pattern: ${(e as Error).message}`, origin, 'kustomize matches image names as regular expressions; escape special characters in `name`.')
    }
  }
  matcherCache.set(name, m)
  return m
}

/** `image` starts with what the pattern `name` (of oneCharAtoms) matches. */
function nameAtStart(image: string, name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const n = name.charCodeAt(i)
    const c = image.charCodeAt(i)
    if (n === 0x2e) {
      if (c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029) return false
    } else if (n !== c) return false
  }
  return true
}

function updateImage(site: Site, img: ImageSpec, matcher: ImageMatcher, r: Resource): void {
  const v = site.holder[site.key]
  if (v === undefined || v === null) return
  if (typeof v === 'object') {
    const kind = Array.isArray(v) ? 'SequenceNode' : 'MappingNode'
    throw new UserError(`image field of ${formatResId(resIdOf(r.obj))}: wrong node kind: expected ScalarNode but got ${kind}`, {file: r.origin.file}, 'An `image` field must be a string.')
  }
  const value = String(v)
  if (!matcher.test(value)) return
  site.holder[site.key] = rewriteImage(value, img)
}

/** The updated reference for a matched image (kustomize's imageTagUpdater). */
export function rewriteImage(value: string, img: ImageSpec): string {
  let [name, tag, digest] = splitImage(value)
  if (img.newName) name = img.newName
  // A new tag or digest replaces both the old tag and the old digest.
  if (img.newTag && img.digest) {
    tag = img.newTag
    digest = img.digest
  } else if (img.newTag) {
    tag = img.newTag
    digest = ''
  } else if (img.digest) {
    tag = ''
    digest = img.digest
  } else if (img.tagSuffix) {
    tag += img.tagSuffix
    digest = ''
  }
  if (tag) name += `:${tag}`
  if (digest) name += `@${digest}`
  return name
}

/**
 * kustomize's image.Split into [name, tag, digest]. A registry `host:port/` prefix is skipped
 * before looking for `:` and `@` (only the first `/` counts).
 */
export function splitImage(image: string): [string, string, string] {
  let search = image
  let slash = image.indexOf('/')
  if (slash > 0) search = image.slice(slash)
  else slash = 0
  let at = search.indexOf('@')
  let colon = search.indexOf(':')
  if (colon < 0 && at < 0) return [image, '', '']
  if (at >= 0 && (at < colon || colon < 0)) {
    at += slash
    return [image.slice(0, at), '', image.slice(at + 1)]
  }
  if (at >= 0 && colon >= 0) {
    at += slash
    colon += slash
    return [image.slice(0, colon), image.slice(colon + 1, at), image.slice(at + 1)]
  }
  colon += slash
  return [image.slice(0, colon), image.slice(colon + 1), '']
}
