#!/usr/bin/env bash
# Runs the extraction benchmarks of package extract and prints a small
# table: sentences per second at one and two cores with and without the
# tokenizer's word cache, each stage's share of the time on one core, the
# 30-minute call in milliseconds, and the tokeniser/ONNX time ratio.
#
# All figures come from one `go test -bench` run, so the ratios between
# them hold even on a busy machine. BENCHTIME (default 5x) sets how many
# times each benchmark runs; COUNT (default 1) repeats them.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${repo_root}"
export ONNXRUNTIME_LIB="${ONNXRUNTIME_LIB:-${repo_root}/.cache/onnxruntime/libonnxruntime.so.1.24.3}"
if [[ ! -f "${ONNXRUNTIME_LIB}" ]]; then
	scripts/fetch-onnxruntime.sh
fi

out="$(mktemp)"
trap 'rm -f "${out}"' EXIT
go test ./extract/ -run '^$' -bench '^BenchmarkExtract' \
	-benchtime "${BENCHTIME:-5x}" -count "${COUNT:-1}" | tee "${out}" >&2

# metric NAME UNIT: the mean of UNIT over the lines of benchmark NAME.
metric() {
	awk -v name="$1" -v unit="$2" '
		$1 ~ "^" name "(-[0-9]+)?$" {
			for (i = 3; i < NF; i++) if ($(i+1) == unit) { sum += $i; n++ }
		}
		END { if (n) printf "%.6g", sum / n; else printf "n/a" }' "${out}"
}

e="BenchmarkExtract"
s="BenchmarkExtractStages"
c="BenchmarkExtractCall30Min"
printf '\n%-44s %12s %12s\n' "end to end, eval corpus + demo" "1 core" "2 cores"
printf '%-44s %12s %12s\n' "sentences/s, word cache" \
	"$(metric "$e/cpu=1/cache=true" sentences/s)" "$(metric "$e/cpu=2/cache=true" sentences/s)"
printf '%-44s %12s %12s\n' "sentences/s, no word cache (sugarme whole)" \
	"$(metric "$e/cpu=1/cache=false" sentences/s)" "$(metric "$e/cpu=2/cache=false" sentences/s)"
printf '%-44s %12s %12s\n' "cores busy, word cache" \
	"$(metric "$e/cpu=1/cache=true" cores-busy)" "$(metric "$e/cpu=2/cache=true" cores-busy)"

printf '\n%-44s %12s %12s\n' "stages, 1 core" "sentences/s" "share %"
for st in split segment tokenise onnx post; do
	printf '%-44s %12s %12s\n' "${st}" "$(metric "$s" "${st}-sent/s")" "$(metric "$s" "${st}-%")"
done
printf '%-44s %12s\n' "tokenise without word cache" "$(metric "$s" tokenise-uncached-sent/s)"
printf '%-44s %12s\n' "word cache speedup (x)" "$(metric "$s" cache-speedup-x)"
printf '%-44s %12s\n' "tokeniser/ONNX time, word cache" "$(metric "$s" tokenise/onnx-time)"
printf '%-44s %12s\n' "tokeniser/ONNX time, no word cache" "$(metric "$s" uncached-tokenise/onnx-time)"

printf '\n%-44s %12s\n' "30-minute call ($(metric "$c/cpu=1" sentences/call) sentences)" "ms/call"
printf '%-44s %12s\n' "1 core" "$(metric "$c/cpu=1" ms/call)"
printf '%-44s %12s\n' "2 cores" "$(metric "$c/cpu=2" ms/call)"
printf '%-44s %12s\n' "  cores busy at 1 / 2" "$(metric "$c/cpu=1" cores-busy) / $(metric "$c/cpu=2" cores-busy)"
printf '%-44s %12s\n' "1 core, no word cache" "$(metric "$c/cpu=1/cache=false" ms/call)"
printf '%-44s %12s\n' "1 core, stages timed apart" "$(metric "$c/cpu=1/stages" ms/call)"
for st in segment tokenise onnx; do
	printf '%-44s %12s\n' "  ${st} share %" "$(metric "$c/cpu=1/stages" "${st}-%")"
done
