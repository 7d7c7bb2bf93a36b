import { requireCaller, requirePaidPlan, requireRight, visibleRepo } from './access.js';
import { auditTagDeleted } from './audit.js';
import { callerName } from './auth.js';
import { paginate, parsePaging } from './pagination.js';
import { badRequest, notFound, ok, type Reply, ReplyError, txnid } from './reply.js';
import { param, type Route, type RouteContext } from './router.js';
import {
  deleteImage,
  findRepo,
  imageStatus,
  lastActivity,
  namespaceExists,
  type RepoImage,
  type RepoRecord,
  repoImages,
} from './state.js';
import {
  booleanParam,
  dateTimeParam,
  type JsonObject,
  objectBody,
  optionalBoolean,
  optionalDateTime,
  optionalStringArray,
  requireString,
} from './validate.js';
import { imageTagViews, imageView } from './views.js';

const REPO_PATH = '/v2/namespaces/:namespace/repositories/:repository';
const MONTH_MS = 30 * 86_400_000;

type Compare = (a: RepoImage, b: RepoImage) => number;

const byDigest: Compare = (a, b) => a.digest.localeCompare(b.digest);

const ORDERINGS: Record<string, Compare> = {
  last_activity: (a, b) => lastActivity(a).localeCompare(lastActivity(b)) || byDigest(a, b),
  digest: byDigest,
};

function ordering(value: string | null): Compare {
  // Most recent activity first unless asked otherwise.
  const wanted = value === null || value === '' ? '-last_activity' : value;
  const descending = wanted.startsWith('-');
  const compare = ORDERINGS[descending ? wanted.slice(1) : wanted];
  if (!compare) {
    throw badRequest(
      'ordering',
      'ordering must be one of last_activity, -last_activity, digest, -digest',
    );
  }
  return descending ? (a, b) => compare(b, a) : compare;
}

/** Visible as the repository is (404 otherwise), and on a Pro or Team plan (403 otherwise). */
function imagesRepo(ctx: RouteContext): RepoRecord {
  const repo = visibleRepo(ctx, param(ctx, 'namespace'), param(ctx, 'repository'));
  requirePaidPlan(ctx, repo.namespace);
  return repo;
}

function imagesSummary(ctx: RouteContext): Reply {
  const repo = imagesRepo(ctx);
  const activeFrom = dateTimeParam(ctx.query, 'active_from');
  const images = repoImages(repo);
  const active = images.filter((i) => imageStatus(i, activeFrom) === 'active').length;
  return ok({
    active_from: activeFrom ?? new Date(Date.now() - MONTH_MS).toISOString(),
    statistics: { total: images.length, active, inactive: images.length - active },
  });
}

function listImages(ctx: RouteContext): Reply {
  const repo = imagesRepo(ctx);
  const paging = parsePaging(ctx.query);
  const activeFrom = dateTimeParam(ctx.query, 'active_from');
  const status = ctx.query.get('status');
  if (status !== null && status !== '' && status !== 'active' && status !== 'inactive') {
    throw badRequest('status', 'status must be active or inactive');
  }
  const currentlyTagged = booleanParam(ctx.query, 'currently_tagged');
  const compare = ordering(ctx.query.get('ordering'));
  const images = repoImages(repo)
    .filter((i) => !status || imageStatus(i, activeFrom) === status)
    .filter((i) => currentlyTagged === undefined || i.current_tags.length > 0 === currentlyTagged)
    .sort(compare);
  return paginate(ctx, images, (i) => imageView(repo, i, activeFrom), paging);
}

function listImageTags(ctx: RouteContext): Reply {
  const repo = imagesRepo(ctx);
  const paging = parsePaging(ctx.query);
  const digest = param(ctx, 'digest');
  const image = repoImages(repo).find((i) => i.digest === digest);
  if (!image) throw notFound({ namespace: repo.namespace, repository: repo.name, digest });
  return paginate(ctx, imageTagViews(image), (t) => t, paging);
}

interface ManifestRef {
  repository: string;
  digest: string;
}

const WARNINGS = ['is_active', 'current_tag'] as const;
type Warning = (typeof WARNINGS)[number];

interface IgnoredWarning extends ManifestRef {
  warning: Warning;
  tags?: string[];
}

function objectsOf(value: unknown, field: string): JsonObject[] {
  if (!Array.isArray(value)) throw badRequest(field, `${field} must be an array of objects`);
  return value.map((item) => objectBody(item));
}

function manifestRef(item: JsonObject): ManifestRef {
  return { repository: requireString(item, 'repository'), digest: requireString(item, 'digest') };
}

function parseManifests(body: JsonObject): ManifestRef[] {
  const items = objectsOf(body.manifests, 'manifests').map(manifestRef);
  if (items.length === 0) throw badRequest('manifests', 'manifests must not be empty');
  const seen = new Set<string>();
  return items.filter((m) => {
    const key = `${m.repository}@${m.digest}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function parseIgnored(body: JsonObject): IgnoredWarning[] {
  if (body.ignore_warnings === undefined || body.ignore_warnings === null) return [];
  return objectsOf(body.ignore_warnings, 'ignore_warnings').map((item) => {
    const warning = WARNINGS.find((w) => w === item.warning);
    if (!warning) throw badRequest('warning', 'warning must be is_active or current_tag');
    const tags = optionalStringArray(item, 'tags');
    return { ...manifestRef(item), warning, ...(tags === undefined ? {} : { tags }) };
  });
}

/** A current_tag warning listing tags is ignored only while it covers every current tag. */
function isIgnored(
  ignored: IgnoredWarning[],
  ref: ManifestRef,
  warning: Warning,
  currentTags: string[],
): boolean {
  return ignored.some(
    (i) =>
      i.repository === ref.repository &&
      i.digest === ref.digest &&
      i.warning === warning &&
      (warning !== 'current_tag' ||
        i.tags === undefined ||
        currentTags.every((t) => i.tags?.includes(t))),
  );
}

function deleteImages(ctx: RouteContext): Reply {
  const caller = requireCaller(ctx);
  const namespace = param(ctx, 'namespace');
  if (!namespaceExists(ctx.state, namespace)) throw notFound({ namespace });
  requireRight(ctx, namespace, 'repo:admin');
  requirePaidPlan(ctx, namespace);
  const body = objectBody(ctx.body);
  const dryRun = optionalBoolean(body, 'dry_run') ?? false;
  const activeFrom = optionalDateTime(body, 'active_from') ?? undefined;
  const manifests = parseManifests(body);
  const ignored = parseIgnored(body);

  const errors: Array<ManifestRef & { error: string }> = [];
  const warnings: Array<ManifestRef & { warning: Warning; tags?: string[] }> = [];
  const targets: Array<{ repo: RepoRecord; image: RepoImage }> = [];
  for (const ref of manifests) {
    const repo = findRepo(ctx.state, namespace, ref.repository);
    const images = repo ? repoImages(repo) : [];
    const image = images.find((i) => i.digest === ref.digest);
    if (!repo || !image) {
      const child = images.some((i) => i.children.includes(ref.digest));
      errors.push({ ...ref, error: child ? 'child_manifest' : 'not_found' });
      continue;
    }
    const tags = image.current_tags;
    if (
      imageStatus(image, activeFrom) === 'active' &&
      !isIgnored(ignored, ref, 'is_active', tags)
    ) {
      warnings.push({ ...ref, warning: 'is_active' });
    }
    if (tags.length > 0 && !isIgnored(ignored, ref, 'current_tag', tags)) {
      warnings.push({ ...ref, warning: 'current_tag', tags: [...tags] });
    }
    targets.push({ repo, image });
  }

  if (errors.length > 0 || warnings.length > 0) {
    const id = txnid();
    throw new ReplyError({
      status: 400,
      body: {
        txnid: id,
        message: 'deletion not possible: errors or unignored warnings',
        errinfo: {
          api_call_docker_id: caller.kind === 'user' ? caller.user.uuid : caller.org.uuid,
          api_call_name: 'PostNamespacesDeleteImages',
          api_call_start: new Date().toISOString(),
          api_call_txnid: id,
          type: 'validation',
          details: { errors, warnings },
        },
      },
    });
  }

  let tagDeletes = 0;
  for (const { repo, image } of targets) {
    tagDeletes += image.current_tags.length;
    if (dryRun) continue;
    for (const tag of image.current_tags) {
      auditTagDeleted(ctx.state, namespace, repo.name, tag, image.digest, callerName(caller));
    }
    deleteImage(repo, image.digest);
    repo.last_modified = new Date().toISOString();
  }
  return ok({
    dry_run: dryRun,
    metrics: {
      manifest_deletes: targets.length,
      manifest_errors: 0,
      tag_deletes: tagDeletes,
      tag_errors: 0,
    },
  });
}

export const imageRoutes: Route[] = [
  { method: 'GET', pattern: `${REPO_PATH}/images-summary`, handler: imagesSummary },
  { method: 'GET', pattern: `${REPO_PATH}/images`, handler: listImages },
  { method: 'GET', pattern: `${REPO_PATH}/images/:digest/tags`, handler: listImageTags },
  { method: 'POST', pattern: '/v2/namespaces/:namespace/delete-images', handler: deleteImages },
];
