/**
 * From a tool's resource templates to the resources a call touches, and to the resources any call
 * of the tool could touch (used to hide tools that no grant can ever allow).
 *
 * `{name}` takes an argument; `{list[].field}` takes that field of every item of an array
 * argument and yields one resource per item (`delete_images` names several repositories).
 */
import type { ResourceNeed } from '../policy/types.js';
import { tokenNeeds } from './token-grants.js';
import type { Args, ResourceTemplate, ToolEntry } from './types.js';

const PLACEHOLDER = /\{([a-z_]+)(?:\[\]\.([a-z_]+))?\}/g;

function templateOf(resource: ResourceTemplate) {
  return typeof resource === 'string' ? { template: resource, access: undefined } : resource;
}

/** Does this call check the template? Conditional ones only when their argument matches. */
function applies(resource: ResourceTemplate, args: Args): boolean {
  if (typeof resource === 'string' || !('onlyWhen' in resource)) return true;
  const value = args[resource.onlyWhen.argument];
  return typeof value === 'string' && resource.onlyWhen.matches.test(value);
}

function text(entry: ToolEntry, name: string, value: unknown): string {
  // Schemas make these required; a gap here is a catalog defect, not user input.
  if (typeof value !== 'string' || value === '') {
    throw new Error(`${entry.name}: resource template needs a value for "${name}"`);
  }
  return value;
}

/** A template cut once into its text and its placeholders (`{name}`, `{list[].field}`). */
interface ParsedTemplate {
  /** Text between placeholders: one more than there are placeholders. */
  texts: string[];
  placeholders: { name: string; field: string | undefined }[];
  /** The array argument the template takes one resource per item of, if any. */
  list: string | undefined;
}

const parsedTemplates = new Map<string, ParsedTemplate>();

/** Templates are the catalog's, a few dozen: each is parsed on its first call and kept. */
function parse(template: string): ParsedTemplate {
  let parsed = parsedTemplates.get(template);
  if (!parsed) {
    parsed = { texts: [], placeholders: [], list: undefined };
    let at = 0;
    for (const match of template.matchAll(PLACEHOLDER)) {
      parsed.texts.push(template.slice(at, match.index));
      parsed.placeholders.push({ name: match[1] as string, field: match[2] });
      if (match[2] && parsed.list === undefined) parsed.list = match[1];
      at = match.index + match[0].length;
    }
    parsed.texts.push(template.slice(at));
    parsedTemplates.set(template, parsed);
  }
  return parsed;
}

/** Every filling of one template: one, or one per item of the array it names. */
function expand(entry: ToolEntry, template: string, args: Args): string[] {
  const { texts, placeholders, list } = parse(template);
  // An optional list left out names no resources; its schema decides whether it may be absent.
  const items = list !== undefined ? ((args[list] as unknown[] | undefined) ?? []) : [undefined];
  if (!Array.isArray(items)) throw new Error(`${entry.name}: "${list}" is not a list`);
  return items.map((item) => {
    let filled = texts[0] as string;
    placeholders.forEach(({ name, field }, i) => {
      filled += field
        ? text(entry, `${name}[].${field}`, (item as Record<string, unknown>)?.[field])
        : text(entry, name, args[name]);
      filled += texts[i + 1] as string;
    });
    return filled;
  });
}

/** The resources one call touches, from its validated arguments, without repeats. */
export function resourceNeeds(entry: ToolEntry, args: Args): ResourceNeed[] {
  const needs: ResourceNeed[] = [];
  for (const resource of entry.resources) {
    if (!applies(resource, args)) continue;
    const { template, access: levelOf = entry.access } = templateOf(resource);
    const access = typeof levelOf === 'function' ? levelOf(args) : levelOf;
    for (const filled of expand(entry, template, args)) {
      if (!needs.some((need) => need.resource === filled && need.access === access)) {
        needs.push({ resource: filled, access });
      }
    }
  }
  const tokenItems = entry.grantsToken ? args[entry.grantsToken] : undefined;
  if (Array.isArray(tokenItems)) {
    for (const need of tokenNeeds(tokenItems)) {
      const same = (other: ResourceNeed) =>
        other.resource === need.resource &&
        other.access === need.access &&
        !other.every === !need.every;
      if (!needs.some(same)) needs.push(need);
    }
  }
  return needs;
}

/**
 * The resources of a call with every argument unknown: `repo:*\/*` for a repository tool. A level
 * that depends on the arguments counts as the tool's own, the least any call needs.
 */
export function possibleNeeds(entry: ToolEntry): ResourceNeed[] {
  const needs: ResourceNeed[] = [];
  for (const resource of entry.resources) {
    // A conditional template is checked only for some calls: it cannot hide the tool.
    if (typeof resource !== 'string' && 'onlyWhen' in resource) continue;
    const { template, access } = templateOf(resource);
    const need = {
      resource: template.replace(PLACEHOLDER, '*'),
      access: typeof access === 'string' ? access : entry.access,
    };
    // Two templates can name the same kind of resource (a list and its acknowledgements).
    if (!needs.some((other) => other.resource === need.resource && other.access === need.access))
      needs.push(need);
  }
  return needs;
}
