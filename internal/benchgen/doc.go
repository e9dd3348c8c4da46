// Package benchgen writes plimsoll's benchmark images: deterministic,
// realistic, and as large as issue 5 asks (about 1.2 GB in 5 layers),
// streamed from a generator so that memory stays small.
//
// The big image has:
//   - a Debian-like base layer with ~30k entries: shared libraries (and
//     their .so symlinks), binaries, docs, data, dpkg metadata, locales,
//     headers, Python modules with __pycache__, apt lists, a .deb cache and a
//     hardlink;
//   - an upgrade layer that overwrites a quarter of the libraries and half
//     the apt lists, installs a compiler and headers, grows the .deb cache
//     and adds a 70 MiB model file;
//   - a cleanup layer with hundreds of whiteouts, the deletion of a whole
//     directory (/usr/share/doc), and an opaque directory
//     (/var/cache/apt/archives);
//   - an application layer (a virtualenv, a large native library, a pip
//     cache left behind);
//   - a last layer that re-adds the model file with identical bytes.
//
// The whiteout series is the same base layer plus one layer deleting N of
// its files (Config.Whiteouts: 1, 500 and 2,000 by default).
//
// File contents are pseudo-random but deterministic (ChaCha8 seeded from
// the seed, the path and a version): libraries deflate to about half, text
// to about a quarter, model weights and .deb files not at all, so gzip has
// real work to do. Every timestamp is fixed, so the same Config gives the
// same digests on every machine.
//
// Write puts the set on disk in three forms: big.docker.tar (docker save
// format, plain layers), big.oci (OCI layout, gzip layers) and
// big.docker-gz.tar (docker save format, the same gzip blobs; what dive
// reads for the gzip comparison, as it cannot read an OCI layout), plus
// whiteouts-N.docker.tar. Image returns any of the images as a v1.Image
// whose layers are generated on each read, with nothing on disk.
//
// The command is internal/cmd/benchgen; scripts/bench-analyze.sh runs dive
// and plimsoll on the set.
package benchgen
