// Copies the dist files Guanxi serves from node_modules into src/guanxi/static/vendor.
// Nothing from a CDN is used at run time: users' networks may be closed.
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";

const target = "src/guanxi/static/vendor";
const files = {
  "bootstrap/dist/css/bootstrap.min.css": "bootstrap/bootstrap.min.css",
  "bootstrap/dist/js/bootstrap.bundle.min.js": "bootstrap/bootstrap.bundle.min.js",
  "bootstrap-icons/font/bootstrap-icons.min.css": "bootstrap-icons/bootstrap-icons.min.css",
  "bootstrap-icons/font/fonts": "bootstrap-icons/fonts",
  "echarts/dist/echarts.min.js": "echarts/echarts.min.js",
  "sortablejs/Sortable.min.js": "sortablejs/Sortable.min.js",
};

rmSync(target, { recursive: true, force: true });
for (const [source, destination] of Object.entries(files)) {
  const to = join(target, destination);
  mkdirSync(dirname(to), { recursive: true });
  cpSync(join("node_modules", source), to, { recursive: true });
}
console.log(`copied ${Object.keys(files).length} asset paths into ${target}`);
