#!/usr/bin/env bash
# Fetches the onnxruntime shared library that github.com/yalue/onnxruntime_go
# v1.27 needs (C API version 24, onnxruntime 1.24.x) into
# .cache/onnxruntime/ under the repository root.
#
# The library is taken from the onnxruntime-node package on the npm registry:
# `npm pack` only downloads the tarball, so no install scripts run. The file is
# checked against a pinned sha256; a mismatch fails loudly. Running the script
# again when the file is already in place with the right checksum does nothing.
set -euo pipefail

readonly ORT_VERSION="1.24.3"
readonly ORT_SHA256="92ba8e44d31b80a34f5e805076a044122c3be1fffe0d88ed790de7267b0b2682"
readonly NPM_PACKAGE="onnxruntime-node@${ORT_VERSION}"
readonly MEMBER="package/bin/napi-v6/linux/x64/libonnxruntime.so.1"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest_dir="${repo_root}/.cache/onnxruntime"
dest="${dest_dir}/libonnxruntime.so.${ORT_VERSION}"

sha256_of() {
	sha256sum "$1" | cut -d' ' -f1
}

if [[ -f "${dest}" ]]; then
	if [[ "$(sha256_of "${dest}")" == "${ORT_SHA256}" ]]; then
		echo "onnxruntime ${ORT_VERSION} already present: ${dest}"
		exit 0
	fi
	echo "warning: ${dest} has the wrong checksum; removing it and fetching again" >&2
	rm -f "${dest}"
fi

for tool in npm tar sha256sum; do
	if ! command -v "${tool}" >/dev/null 2>&1; then
		echo "error: ${tool} is required but not installed" >&2
		exit 1
	fi
done

tmp="$(mktemp -d)"
trap 'rm -rf "${tmp}"' EXIT

echo "downloading ${NPM_PACKAGE} from the npm registry"
tarball="$(cd "${tmp}" && npm pack --silent --ignore-scripts "${NPM_PACKAGE}" | tail -n 1)"
if [[ -z "${tarball}" || ! -f "${tmp}/${tarball}" ]]; then
	echo "error: npm pack ${NPM_PACKAGE} produced no tarball" >&2
	exit 1
fi

if ! tar -xzf "${tmp}/${tarball}" -C "${tmp}" "${MEMBER}"; then
	echo "error: ${MEMBER} not found in ${tarball}" >&2
	exit 1
fi

got="$(sha256_of "${tmp}/${MEMBER}")"
if [[ "${got}" != "${ORT_SHA256}" ]]; then
	echo "error: checksum mismatch for ${MEMBER} from ${NPM_PACKAGE}" >&2
	echo "  want ${ORT_SHA256}" >&2
	echo "  got  ${got}" >&2
	exit 1
fi

mkdir -p "${dest_dir}"
# Install atomically so an interrupted run never leaves a partial library.
install -m 0644 "${tmp}/${MEMBER}" "${dest}.tmp.$$"
mv -f "${dest}.tmp.$$" "${dest}"
echo "onnxruntime ${ORT_VERSION} installed: ${dest}"
