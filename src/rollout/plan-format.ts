// A plan for people (`strata apply --plan`, `diff --plan`) and for machines (`--json`). Both name
// objects by identity only: a plan holds rendered Secrets, and neither output may show them.
import type {JsonObject} from '../model/json.js'
import {objectPolicy} from '../model/object-policy.js'
import type {Theme} from '../ui/theme.js'
import {formatDuration} from '../model/duration.js'
import {describeId} from './plan.js'
import type {PlanItem, RolloutPlan, RolloutStep} from './types.js'

export function formatPlanText(plan: RolloutPlan, theme: Theme): string {
  const names = new Map<string, string>()
  const counts = {create: 0, update: 0, unchanged: 0, delete: 0}
  for (const s of plan.steps) {
    for (const i of s.items) {
      names.set(i.id.key, describeId(i.id))
      counts[i.action]++
    }
  }
  const total = counts.create + counts.update + counts.unchanged + counts.delete
  const lines = [
    theme.header(`Plan for ${plan.app} (namespace ${plan.namespace}): ${plural(plan.steps.length, 'step')}, ${plural(total, 'object')}`) +
      ` — ${counts.create} to create, ${counts.update} to update, ${counts.unchanged} unchanged, ${counts.delete} to delete`,
  ]
  for (const s of plan.steps) {
    lines.push(stepHeader(s, plan.steps.length, theme))
    for (const i of s.items) lines.push(`  ${itemLine(i, names, theme)}`)
    if (s.pauseAfter) lines.push(theme.warn('  ⏸ pause after'))
  }
  return lines.join('\n') + '\n'
}

function stepHeader(s: RolloutStep, total: number, theme: Theme): string {
  // An all-unchanged step stays in the plan: its health is still checked before the next step runs.
  const quiet = s.items.every((i) => i.action === 'unchanged')
  return theme.header(`Step ${s.index + 1}/${total} ${s.name}`) + (quiet ? theme.dim(' (unchanged, health checked)') : '')
}

const glyphs = {create: '+', update: '~', unchanged: '=', delete: '-'} as const

function itemLine(i: PlanItem, names: Map<string, string>, theme: Theme): string {
  const notes: string[] = [i.action]
  if (i.batches?.strategy === 'blue-green' && i.blueGreen) {
    const b = i.blueGreen
    notes.push(`blue-green: ${b.previewService ? `preview ${b.previewService}, ` : ''}switch ${b.activeService}${b.autoPromote === false ? ' after resume' : ''}, old version removed ${formatDuration(b.scaleDownDelayMs)} later`)
  } else if (i.batches) notes.push(`batches ${i.batches.shares.map(percent).join(',')}`)
  if (i.dependsOn && i.dependsOn.length > 0) notes.push(`after ${i.dependsOn.map((k) => names.get(k) ?? k).join(', ')}`)
  if (i.decidedBy) notes.push(...i.decidedBy)
  const kept = i.action === 'delete' && i.object ? keptBy(i) : undefined
  if (kept) notes.push(`kept: ${kept}`)
  const text = `${glyphs[i.action]} ${describeId(i.id)} (${notes.join(', ')})`
  switch (i.action) {
    case 'create':
      return theme.added(text)
    case 'update':
      return theme.hunk(text)
    case 'delete':
      return theme.removed(text)
    default:
      return theme.dim(text)
  }
}

function keptBy(i: PlanItem): string | undefined {
  return objectPolicy(i.object!, describeId(i.id), 'live').keepOnPrune?.by
}

export function percent(share: number): string {
  return `${Math.round(share * 10000) / 100}%`
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

/** The plan as JSON: identities, actions, batches and order; never an object's content. */
export function planToJson(plan: RolloutPlan): JsonObject {
  return {
    app: plan.app,
    namespace: plan.namespace,
    digest: plan.digest,
    steps: plan.steps.map((s) => ({
      // 1-based, as the text's "Step 2/5" and the JSON events' `step`.
      step: s.index + 1,
      name: s.name,
      category: s.category,
      wave: s.wave,
      pauseAfter: s.pauseAfter,
      items: s.items.map((i) => {
        const out: JsonObject = {id: {...i.id}, action: i.action}
        if (i.batches) out.batches = {strategy: i.batches.strategy, shares: [...i.batches.shares]}
        if (i.dependsOn) out.dependsOn = [...i.dependsOn]
        if (i.decidedBy) out.decidedBy = [...i.decidedBy]
        return out
      }),
    })),
  }
}
