import { decodeJpeg } from '../encode/jpeg.js';
import type { Display, StartDisplay } from './display.js';
import { ReadySubscribers } from './ready-subscribers.js';

/**
 * Publishes each composite as `~composite` (sensor_msgs/Image, rgb8) and
 * `~composite/compressed` (sensor_msgs/CompressedImage, the server's JPEG as it came), the pair
 * image_transport expects, so `rqt_image_view` and `image_view` show it. Headers are the camera
 * frame's, so stamps line up with the robot's other data. Nothing is decoded or sent for a topic
 * nobody subscribes to, and a composite arriving while the previous one is still being decoded
 * is published compressed only. A subscriber whose socket still holds the previous message is
 * skipped (ready-subscribers.ts): a slow subscriber gets fewer frames, never a buffer.
 */
export const startTopicDisplay: StartDisplay = async ({ node, log }) => {
  const raw = new ReadySubscribers(node.advertise('~composite', 'sensor_msgs/Image'));
  const compressed = new ReadySubscribers(
    node.advertise('~composite/compressed', 'sensor_msgs/CompressedImage'),
  );
  let decoding = false;
  let reported = false;

  const display: Display = {
    name: 'topic',
    show({ jpeg, source }) {
      const header = source.header;
      if (compressed.count() > 0)
        compressed.publish({
          header,
          format: 'rgb8; jpeg compressed bgr8',
          data: Buffer.from(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength),
        });
      if (decoding || raw.count() === 0) return;
      decoding = true;
      decodeJpeg(jpeg)
        .then(({ width, height, channels, data }) =>
          raw.publish({
            header,
            height,
            width,
            encoding: channels === 1 ? 'mono8' : 'rgb8',
            is_bigendian: 0,
            step: width * channels,
            data,
          }),
        )
        .catch((error) => {
          if (!reported) log.error({ err: error }, 'a composite could not be published raw');
          reported = true;
        })
        .finally(() => {
          decoding = false;
        });
    },
    // The topics go when the node shuts down.
    close: async () => {},
  };
  return display;
};
