/**
 * Inputs of the preview and transform routes (previews.ts renders them). PARITY: official client
 * 96b1551 src/api/preview.rs validate_transform_params and build_transform_read_url: the read
 * URL's keys are `output-format` (hyphenated, lowercase png/jpg/jpeg), `width`, `height`, `size`
 * (a preset, any case), `cropwidth`/`cropheight`/`cropx`/`cropy` (all four or none), `rotate`
 * (0/90/180/270); every integer is strictly positive (the backend's `Assert\Positive`).
 */
import { z } from 'zod';
import { formInt, lazy } from '../http/schema.js';
import { normalizeOpaqueId } from '../store/ids.js';
import { PREVIEW_TYPES, SIZE_PRESETS, TRANSFORM_NAMES, type TransformParams } from './previews.js';

const nodeId = () =>
  z
    .string()
    .max(100)
    .transform((s) => normalizeOpaqueId(s))
    .pipe(z.string().regex(/^2[0-9a-z]{28,29}$/, 'Expected a file id.'));

const previewType = () => z.enum(PREVIEW_TYPES, { message: `Expected one of: ${PREVIEW_TYPES.join(', ')}.` });
const transformName = () => z.enum(TRANSFORM_NAMES, { message: 'The only transform is "image".' });

export const workspacePreviewParams = lazy(() => z.object({ workspace_id: z.string().min(1).max(100), node_id: nodeId(), preview_type: previewType() }));
export const sharePreviewParams = lazy(() => z.object({ share_id: z.string().min(1).max(100), node_id: nodeId(), preview_type: previewType() }));
export const workspaceTransformParams = lazy(() => z.object({ workspace_id: z.string().min(1).max(100), node_id: nodeId(), transform_name: transformName() }));
export const shareTransformParams = lazy(() => z.object({ share_id: z.string().min(1).max(100), node_id: nodeId(), transform_name: transformName() }));

/** The tokenised preview read path: the token and the file name are path segments, as live builds it. */
const tokenised = { download_token: z.string().min(1).max(2000), file_name: z.string().min(1).max(255) };
export const workspacePreviewReadParams = lazy(() => workspacePreviewParams().extend(tokenised));
export const sharePreviewReadParams = lazy(() => sharePreviewParams().extend(tokenised));

const positive = () => formInt({ min: 1, max: 100_000 }).optional();

export const transformReadQuery = lazy(() =>
  z
    .object({
      token: z.string().min(1).max(2000).optional(),
      'output-format': z.enum(['png', 'jpg', 'jpeg'], { message: 'Expected png, jpg or jpeg (lowercase).' }).optional(),
      width: positive(),
      height: positive(),
      size: z
        .string()
        .max(20)
        .refine((s) => s.toLowerCase() in SIZE_PRESETS, 'Expected IconTiny, IconSmall, IconMedium or Preview.')
        .optional(),
      cropwidth: positive(),
      cropheight: positive(),
      cropx: positive(),
      cropy: positive(),
      rotate: z.enum(['0', '90', '180', '270'], { message: 'Expected 0, 90, 180 or 270.' }).optional(),
    })
    .superRefine((q, ctx) => {
      const crop = [q.cropwidth, q.cropheight, q.cropx, q.cropy].filter((v) => v !== undefined).length;
      if (crop !== 0 && crop !== 4)
        ctx.addIssue({ code: 'custom', path: ['cropwidth'], message: 'A crop needs all four of cropwidth, cropheight, cropx and cropy.' });
    }),
);

export type TransformReadQuery = z.output<ReturnType<typeof transformReadQuery>>;

export function transformParamsOf(q: TransformReadQuery): TransformParams {
  return {
    format: q['output-format'],
    width: q.width,
    height: q.height,
    size: q.size,
    crop: q.cropwidth !== undefined ? { w: q.cropwidth, h: q.cropheight!, x: q.cropx!, y: q.cropy! } : undefined,
    rotate: q.rotate === undefined ? undefined : (Number(q.rotate) as TransformParams['rotate']),
  };
}
