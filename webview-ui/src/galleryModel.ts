// What the gallery of test images shows: a page of the images a filter selects (the
// misclassified ones, or one confusion-matrix cell's), and the words for it. Pure: unit-tested.
import { count, percent, plural } from '../../src/protocol/format';
import type { ImageFilter, PredictedImage } from '../../src/protocol/predictions';

/** Enough to fill a wide panel; few enough that a page draws at once. */
export const PAGE_SIZE = 40;

export interface GalleryPage {
  items: PredictedImage[];
  /** 0-based; clamped to the pages there are. */
  page: number;
  pages: number;
  /** "41–80 of 213". */
  range: string;
}

export function galleryPage(all: PredictedImage[], page: number, size = PAGE_SIZE): GalleryPage {
  const pages = Math.max(1, Math.ceil(all.length / size));
  const p = Math.min(Math.max(0, page), pages - 1);
  const items = all.slice(p * size, (p + 1) * size);
  const range = all.length === 0 ? 'none' : `${p * size + 1}–${p * size + items.length} of ${count(all.length)}`;
  return { items, page: p, pages, range };
}

/** What the gallery lists, in words. */
export function filterText(filter: ImageFilter, total: number): string {
  if (filter.kind === 'misclassified') return `${plural(total, 'misclassified test image')}, the most confidently wrong first`;
  if (filter.label === filter.predicted)
    return `${plural(total, 'test image')} of ${filter.label} classified correctly, the most confident first`;
  return `${plural(total, 'test image')} of ${filter.label} classified as ${filter.predicted}, the most confident first`;
}

/** An image's caption: "4 → 9 · 97%" (true → predicted · probability). */
export function imageCaption(image: PredictedImage): string {
  return `${image.label} → ${image.predicted} · ${percent(image.probability, 0)}`;
}

/** What a screen reader says for an image: its caption first (the words on screen), then in full. */
export function imageLabel(image: PredictedImage): string {
  return `${imageCaption(image)}: test image ${image.index}, a ${image.label} predicted as ${image.predicted}`;
}
