// The memory the portable kernel's instances share (a SharedArrayBuffer under a WebAssembly.Memory):
// laid out once, before it is made, by a bump allocator, each buffer 16-byte aligned for SIMD loads.
// Fixed in size for its life, so views of it stay valid.
import { FIRST_FREE_BYTE, type Ptr } from './kernelModule';

const PAGE = 65536;
const ALIGN = 16;

export class KernelMemory {
  readonly memory: WebAssembly.Memory;

  private constructor(bytes: number) {
    const pages = Math.ceil(bytes / PAGE);
    this.memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  }

  /** Plans buffers with `plan` (which returns what it laid out), then makes the memory that holds them. */
  static create<T>(plan: (layout: Layout) => T): { memory: KernelMemory; buffers: T } {
    const layout = new Layout();
    const buffers = plan(layout);
    return { memory: new KernelMemory(layout.end), buffers };
  }

  get bytes(): number {
    return this.memory.buffer.byteLength;
  }

  f32(ptr: Ptr, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, length);
  }

  i32(ptr: Ptr, length: number): Int32Array {
    return new Int32Array(this.memory.buffer, ptr, length);
  }

  u8(ptr: Ptr, length: number): Uint8Array {
    return new Uint8Array(this.memory.buffer, ptr, length);
  }
}

/** Where buffers go: one after another from the first byte the kernel leaves free. */
export class Layout {
  end = FIRST_FREE_BYTE;

  /** A buffer of `count` float32 or int32 values. */
  words(count: number): Ptr {
    return this.bytes(4 * count);
  }

  bytes(count: number): Ptr {
    const at = Math.ceil(this.end / ALIGN) * ALIGN;
    this.end = at + count;
    return at;
  }
}
