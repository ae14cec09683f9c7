// Looking inside an evaluated checkpoint: its test images, its prediction formed row by row as
// the LSTM reads an image, and a digit the user draws. The panel asks (InspectRequest), the
// extension host passes the question to a long-lived training process that holds the checkpoint
// and the test set, and the answer (InspectResult) comes back by the same way. Images and
// probabilities travel as base64 (src/protocol/binary.ts), never as JSON arrays of numbers.
import { isBase64 } from './binary';
import { isFiniteNumber, isRecord } from './guards';
import type { BackendChoice, DeviceChoice } from './compute';

/** What the inspecting process loads: the checkpoint and the test images its evaluation used. */
export interface InspectSubject {
  checkpoint: string;
  dataDir?: string;
  /** The first N test images (the evaluation's count); undefined = all. */
  testSize?: number;
  device: DeviceChoice;
  backend?: BackendChoice;
}

/** At most this many images per `images` request: a page of the gallery. */
export const MAX_IMAGES_PER_REQUEST = 200;

export type InspectRequest =
  /** Test images by index (the gallery's page). */
  | { kind: 'images'; indices: number[] }
  /** Test image `index` read row by row. */
  | { kind: 'rows'; index: number }
  /** A drawn digit (rows × cols grey bytes, 0 = background) read row by row. */
  | { kind: 'classify'; pixels: string }
  /** An image file's bytes (PNG, JPEG, BMP or GIF, any size), read as grey at the model's size, row by row. */
  | { kind: 'classifyFile'; file: string };

export type InspectResult =
  /** `pixels`: the images' grey bytes one after the other, rows × cols each. */
  | { kind: 'images'; rows: number; cols: number; pixels: string }
  /**
   * `probabilities`: float32 [rows, classes], the class probabilities after each row is read;
   * the last row's are the model's prediction. `label`: the true class of a test image.
   */
  | { kind: 'rows'; rows: number; cols: number; pixels: string; probabilities: string; label?: number; index?: number };

export function isInspectSubject(v: unknown): v is InspectSubject {
  return (
    isRecord(v) &&
    typeof v.checkpoint === 'string' &&
    (v.dataDir === undefined || typeof v.dataDir === 'string') &&
    (v.testSize === undefined || isFiniteNumber(v.testSize)) &&
    (v.device === 'auto' || v.device === 'cpu' || v.device === 'gpu') &&
    (v.backend === undefined || v.backend === 'auto' || v.backend === 'native' || v.backend === 'portable')
  );
}

const isIndex = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

export function isInspectRequest(v: unknown): v is InspectRequest {
  if (!isRecord(v)) return false;
  switch (v.kind) {
    case 'images':
      return Array.isArray(v.indices) && v.indices.length <= MAX_IMAGES_PER_REQUEST && v.indices.every(isIndex);
    case 'rows':
      return isIndex(v.index);
    case 'classify':
      return isBase64(v.pixels);
    case 'classifyFile':
      return isBase64(v.file);
    default:
      return false;
  }
}

export function isInspectResult(v: unknown): v is InspectResult {
  if (!isRecord(v) || !isIndex(v.rows) || !isIndex(v.cols) || !isBase64(v.pixels)) return false;
  switch (v.kind) {
    case 'images':
      return true;
    case 'rows':
      return isBase64(v.probabilities) && (v.label === undefined || isIndex(v.label)) && (v.index === undefined || isIndex(v.index));
    default:
      return false;
  }
}
