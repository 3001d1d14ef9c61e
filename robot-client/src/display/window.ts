import { createRequire } from 'node:module';
import type { Display, StartDisplay } from './display.js';
import { DisplayUnavailableError } from './display.js';

/** The optional native package behind this display, built against the system's OpenCV. */
export const OPENCV_PACKAGE = '@u4/opencv4nodejs';

/** What this display uses of opencv4nodejs. */
interface OpenCv {
  imdecode(bytes: Buffer): unknown;
  imshow(title: string, image: unknown): void;
  waitKey(delayMs: number): number;
  destroyAllWindows(): void;
}

/** How often the window's events are served while no composite arrives (server down). */
const PUMP_MS = 50;

/** The window display over a given way to load OpenCV (tests pass one that fails). */
export function windowDisplayWith(loadOpenCv: () => Promise<unknown>): StartDisplay {
  return async ({ node }) => {
    if (!process.env.DISPLAY)
      throw new DisplayUnavailableError(
        'the window display needs an X display and DISPLAY is not set; run it under X ' +
          '(or xvfb-run), or choose another display (~display: topic or web)',
      );
    let cv: OpenCv;
    try {
      const loaded = (await loadOpenCv()) as { default?: OpenCv };
      cv = (loaded.default ?? loaded) as OpenCv;
    } catch (error) {
      throw new DisplayUnavailableError(
        `the window display needs the optional package ${OPENCV_PACKAGE}, which did not load ` +
          `(${(error as Error).message.split('\n')[0]}); install it with ` +
          'OPENCV4NODEJS_DISABLE_AUTOBUILD=1 npm install (Debian: apt-get install libopencv-dev), ' +
          'or choose another display (~display: topic or web)',
        { cause: error },
      );
    }
    const title = `Mask R-CNN ${node.name}`;
    // imshow paints and answers the window manager only inside waitKey.
    const pump = setInterval(() => cv.waitKey(1), PUMP_MS);
    const display: Display = {
      name: 'window',
      show({ jpeg }) {
        cv.imshow(title, cv.imdecode(Buffer.from(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength)));
        cv.waitKey(1);
      },
      close: async () => {
        clearInterval(pump);
        cv.destroyAllWindows();
        cv.waitKey(1);
      },
    };
    return display;
  };
}

/**
 * Loads opencv4nodejs through its CommonJS entry: its ES entry imports `globSync` from whichever
 * `glob` is hoisted, and rosnodejs hoists glob 6, which has none. Its build helper prints its
 * settings to stdout on load, among our JSON log lines, unless told to be silent.
 */
export async function loadOpenCv(): Promise<unknown> {
  const require = createRequire(import.meta.url);
  const fromOpenCv = createRequire(require.resolve(OPENCV_PACKAGE));
  fromOpenCv('@u4/opencv-build').Log.silence = true;
  return require(OPENCV_PACKAGE);
}

/** A native window (OpenCV imshow), as `cv2.imshow` shows it in Python. */
export const startWindowDisplay: StartDisplay = windowDisplayWith(loadOpenCv);
