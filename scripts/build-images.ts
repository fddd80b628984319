/**
 * `npm run containers:build [backend|frontend]`: builds Lexikon's images on this machine with Podman (with
 * a stand-in for the Node base image when it is not in local storage) and prints their sizes. With a
 * Docker engine, use `docker build -f deploy/<name>.Dockerfile .` or `docker compose build` instead.
 */
import { consoleLog, formatDuration } from '@lexikon/harness/containers/exec';
import { buildImage, IMAGES, megabytes, type ImageName } from '@lexikon/harness/containers/images';
import { preparePodman } from '@lexikon/harness/containers/podman';

const requested = process.argv.slice(2);
const names = (requested.length > 0 ? requested : Object.keys(IMAGES)) as ImageName[];
const unknown = names.filter((name) => !(name in IMAGES));
if (unknown.length > 0) {
  console.error(`Unknown image ${unknown.join(', ')}: choose from ${Object.keys(IMAGES).join(', ')}`);
  process.exit(64);
}

const availability = await preparePodman();
if (!availability.ok) {
  console.error(`Podman cannot run here: ${availability.reason}`);
  process.exit(69);
}
for (const name of names) {
  const image = await buildImage(availability.podman, name);
  consoleLog(`${image.tag}: ${megabytes(image.sizeBytes)}, built in ${formatDuration(image.buildMs)}`);
}
