/**
 * Readback without stalls on WebGL2: the texture is copied into a pixel-pack buffer, a fence
 * follows it, and the values are fetched once the fence has signalled, polled on a 1 ms timer so
 * that the page keeps running meanwhile. The timer matters: polling on every task (a
 * message-channel loop) kept the page's thread spinning beside the renderer's, and on software
 * renderers (SwiftShader, which renders on the CPU's cores) that made a 512² matmul read back
 * 1.7× slower than reading it synchronously. gpu.js's own `toArray()` on a pipeline texture calls
 * `readPixels` into client memory, which waits for every queued kernel on the spot (Chromium
 * logs "GPU stall due to ReadPixels" for each).
 *
 * @internal
 * @module
 */
import { BackendError } from '@profundo/core';
import type { DeviceValue } from './gpujs.js';

/** The parts of a gpu.js WebGL2 texture (`GLTextureFloat`) this reads. */
interface GLTexture extends DeviceValue {
  readonly texture: WebGLTexture;
  readonly size: readonly [number, number];
  readonly context: Record<string, unknown>;
  framebuffer(): WebGLFramebuffer;
}

/** Resolves after about `ms` milliseconds. */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Whether {@link readTextureAsync} can read `v`: a one-value-per-texel float texture of a WebGL2 context. */
export function canReadAsync(v: DeviceValue): boolean {
  const gl = v.context as unknown;
  return (
    v.type === 'ArrayTexture(1)' &&
    typeof WebGL2RenderingContext !== 'undefined' &&
    gl instanceof WebGL2RenderingContext &&
    typeof (v as Partial<GLTexture>).framebuffer === 'function'
  );
}

/** The first `n` values of a one-value-per-texel float texture (see {@link canReadAsync}). */
export async function readTextureAsync(value: DeviceValue, n: number): Promise<Float32Array> {
  const v = value as GLTexture;
  const gl = v.context as unknown as WebGL2RenderingContext;
  const [w, h] = v.size;
  // Only the rows that hold the n values; RGBA / FLOAT is the read format every float color
  // buffer supports, the value being the red channel.
  const rows = Math.min(h, Math.ceil(n / w));
  const texels = new Float32Array(w * rows * 4);
  gl.bindFramebuffer(gl.FRAMEBUFFER, v.framebuffer());
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, v.texture, 0);
  const pbo = gl.createBuffer();
  gl.bindBuffer(gl.PIXEL_PACK_BUFFER, pbo);
  gl.bufferData(gl.PIXEL_PACK_BUFFER, texels.byteLength, gl.STREAM_READ);
  gl.readPixels(0, 0, w, rows, gl.RGBA, gl.FLOAT, 0);
  gl.bindBuffer(gl.PIXEL_PACK_BUFFER, null);
  const sync = gl.fenceSync(gl.SYNC_GPU_COMMANDS_COMPLETE, 0);
  // A fence is only queued: without a flush the driver may never reach it.
  gl.flush();
  try {
    for (;;) {
      if (gl.isContextLost()) throw new BackendError('read', 'the WebGL2 context was lost while reading a tensor back');
      const status = gl.clientWaitSync(sync!, 0, 0);
      if (status === gl.ALREADY_SIGNALED || status === gl.CONDITION_SATISFIED) break;
      if (status === gl.WAIT_FAILED) throw new BackendError('read', 'clientWaitSync failed while reading a tensor back');
      await sleep(1);
    }
    gl.bindBuffer(gl.PIXEL_PACK_BUFFER, pbo);
    gl.getBufferSubData(gl.PIXEL_PACK_BUFFER, 0, texels);
    gl.bindBuffer(gl.PIXEL_PACK_BUFFER, null);
  } finally {
    gl.deleteSync(sync);
    gl.deleteBuffer(pbo);
  }
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = texels[4 * i]!;
  return out;
}
