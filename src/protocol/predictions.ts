// An evaluation's per-image predictions, decoded, and the lists people browse them by: the
// images the model got wrong, most confidently wrong first, or those of one cell of the
// confusion matrix. Shared by the CLI (`evaluate --misclassified N`) and the panel's gallery.
// No Node or DOM imports.
import { bytesFromBase64, floatsFromBase64 } from './binary';
import type { EncodedPredictions } from './training';

export interface Predictions {
  labels: Uint8Array;
  predicted: Uint8Array;
  /** The probability the model gave its predicted class. */
  confidence: Float32Array;
}

export interface PredictedImage {
  /** The test image's index in the test set. */
  index: number;
  label: number;
  predicted: number;
  probability: number;
}

/** Throws when the three arrays disagree in length (a damaged message). */
export function decodePredictions(p: EncodedPredictions): Predictions {
  const decoded = {
    labels: bytesFromBase64(p.labels),
    predicted: bytesFromBase64(p.predicted),
    confidence: floatsFromBase64(p.confidence),
  };
  const n = decoded.labels.length;
  if (decoded.predicted.length !== n || decoded.confidence.length !== n) {
    throw new Error(`predictions of ${n}, ${decoded.predicted.length} and ${decoded.confidence.length} images do not match`);
  }
  return decoded;
}

/**
 * Which images to list: the misclassified ones (all), or those of one cell of the confusion
 * matrix, rows the true class and columns the predicted (on the diagonal, the correct ones).
 */
export type ImageFilter = { kind: 'misclassified' } | { kind: 'cell'; label: number; predicted: number };

/** The images `filter` selects, the most confident first (ties by index). */
export function selectImages(p: Predictions, filter: ImageFilter): PredictedImage[] {
  const out: PredictedImage[] = [];
  for (let index = 0; index < p.labels.length; index++) {
    const label = p.labels[index];
    const predicted = p.predicted[index];
    const keep = filter.kind === 'misclassified' ? label !== predicted : label === filter.label && predicted === filter.predicted;
    if (keep) out.push({ index, label, predicted, probability: p.confidence[index] });
  }
  return out.sort((a, b) => b.probability - a.probability || a.index - b.index);
}
