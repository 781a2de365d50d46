// Writes `name.br` (brotli at its highest quality) beside each file named on the command
// line; `make spa` writes `name.gz` with GNU gzip -9, which beats zlib's level 9. The
// server sends these copies to browsers that accept them (crates/api/src/http/spa.rs)
// instead of compressing on the fly at its fastest level, and `make spa-size` reports
// their sizes, which are what a page downloads.
import { readFileSync, writeFileSync } from "node:fs";
import { brotliCompressSync, constants } from "node:zlib";

for (const file of process.argv.slice(2)) {
  const data = readFileSync(file);
  const params = {
    [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
    [constants.BROTLI_PARAM_LGWIN]: constants.BROTLI_MAX_WINDOW_BITS,
    [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
  };
  writeFileSync(`${file}.br`, brotliCompressSync(data, { params }));
}
