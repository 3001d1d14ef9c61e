/**
 * What each kind of robot-client test needs outside Node, as `skip` options under the project's
 * one rule (`@maskrcnn-zmq/shared/test-support`): where a tool is missing the test skips saying
 * what to install; with `MASKRCNN_ZMQ_REQUIRE_ALL` set (`.ci/run`) it fails instead. Each is a
 * function, called at the top of the test file that needs it, so a file that needs no ROS does
 * not fail under `MASKRCNN_ZMQ_REQUIRE_ALL` for want of a ROS master.
 */
import { existsSync } from 'node:fs';
import { onPath, skipUnless } from '@maskrcnn-zmq/shared/test-support';
import { loadOpenCv } from '../../src/display/window.js';
import { MODEL_DIR, SERVER_MAIN } from './ros.js';

const ROS_APT =
  'apt-get install ros-core python3-rosmaster python3-roslaunch ros-sensor-msgs ' +
  'libsensor-msgs-dev libstd-msgs-dev ros-roscpp-msg ros-rosgraph-msgs';

/** The first reason of several, or false when nothing is missing. */
export const firstReason = (...reasons: (string | false)[]) =>
  reasons.find((reason) => reason !== false) ?? false;

/** A ROS master of the test's own (`rosmaster`) and the message packages rosnodejs reads. */
export const needsRosMaster = () =>
  skipUnless(
    onPath('rosmaster') && existsSync('/usr/share/sensor_msgs/package.xml'),
    `a ROS master and sensor_msgs (${ROS_APT})`,
  );

/** `roslaunch`, `rostopic` and Debian's image_publisher node, for the launch files. */
export const needsRoslaunch = () =>
  firstReason(
    needsRosMaster(),
    skipUnless(
      onPath('roslaunch') && onPath('rostopic'),
      'roslaunch and rostopic (apt-get install python3-roslaunch ros-core)',
    ),
    skipUnless(
      existsSync('/usr/lib/image_publisher/image_publisher') &&
        existsSync('/usr/share/image_publisher/package.xml') &&
        existsSync('/usr/share/nodelet/package.xml'),
      "Debian's image_publisher (apt-get install ros-image-publisher libimage-publisher-dev " +
        'libnodeletlib-tools)',
    ),
  );

/** The real server: its build and the model beside the checkout. */
export const needsModel = () =>
  firstReason(
    skipUnless(existsSync(SERVER_MAIN), `the server built (npx tsc -b server): ${SERVER_MAIN}`),
    skipUnless(existsSync(MODEL_DIR), `the model beside the checkout: ${MODEL_DIR}`),
  );

/** Xvfb and ImageMagick's `import`, for screenshots of a window. */
export const needsXvfb = () =>
  skipUnless(
    onPath('Xvfb') && onPath('import'),
    'Xvfb and ImageMagick (apt-get install xvfb xauth imagemagick)',
  );

/** The optional @u4/opencv4nodejs, loaded as the window display loads it. */
export const needsOpenCv = async () =>
  skipUnless(
    await loadOpenCv().then(
      () => true,
      () => false,
    ),
    '@u4/opencv4nodejs built against the system OpenCV (apt-get install libopencv-dev; ' +
      'OPENCV4NODEJS_DISABLE_AUTOBUILD=1 npm ci)',
  );

/** A Chromium for playwright-core: `CHROMIUM_PATH`, else Debian's. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const needsChromium = () =>
  skipUnless(existsSync(CHROMIUM), `a browser at ${CHROMIUM} (apt-get install chromium)`);
