/**
 * jsdom has no canvas: component tests get a 2D context that records the calls made on it (so a
 * test can count the lines a view stroked) and an ImageData of the right size. The real canvas
 * output is checked in Chromium by the e2e tests and the PNG exports.
 */
class ImageDataShim {
  readonly data: Uint8ClampedArray;
  constructor(
    readonly width: number,
    readonly height: number
  ) {
    this.data = new Uint8ClampedArray(width * height * 4);
  }
}

/** Every call made on any test canvas context, in order. */
export const canvasCalls: { method: string; args: unknown[] }[] = [];

function recordingContext(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const props: Record<string, unknown> = { canvas };
  return new Proxy(props, {
    get(target, key: string) {
      if (key in target) return target[key];
      return (...args: unknown[]) => {
        canvasCalls.push({ method: key, args });
        if (key === 'measureText') return { width: String(args[0]).length * 6 };
        if (key === 'getImageData') return new ImageDataShim(args[2] as number, args[3] as number);
        return undefined;
      };
    },
    set(target, key: string, value) {
      target[key] = value;
      return true;
    }
  }) as unknown as CanvasRenderingContext2D;
}

if (typeof HTMLCanvasElement !== 'undefined') {
  (globalThis as { ImageData?: unknown }).ImageData ??= ImageDataShim;
  HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement) {
    return recordingContext(this);
  } as unknown as typeof HTMLCanvasElement.prototype.getContext;
}
