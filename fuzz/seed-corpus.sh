#!/bin/sh
# Seed corpus/ for each target from the fixtures (run from fuzz/).
set -e
cd "$(dirname "$0")"
F=../fixtures
mkdir -p corpus/manifest corpus/ledger corpus/rules corpus/zip_bundle
for m in $F/xx-town-2021/bundle.yaml $F/xx-town-2021-excel/bundle.yaml $F/malformed/*/bundle/bundle.yaml; do
  cp "$m" "corpus/manifest/$(echo "${m#../fixtures/}" | tr / _)"
done
# ledger: selector byte, then the file (ledger index & 7, type index << 3).
i=0
for f in $F/xx-town-2021/台账/*.csv; do printf "\\$(printf %o $i)" > corpus/ledger/csv$i; cat "$f" >> corpus/ledger/csv$i; i=$((i+1)); done
printf '\020' > corpus/ledger/xlsx; cat $F/xx-town-2021-excel/台账/主动公开台账.xlsx >> corpus/ledger/xlsx
printf '\034' > corpus/ledger/xls; cat $F/xx-town-2021-excel/台账/新媒体发布台账.xls >> corpus/ledger/xls
printf '\040' > corpus/ledger/docx; cat $F/xx-town-2021-excel/材料/年度报告.docx >> corpus/ledger/docx
printf '\010' > corpus/ledger/utf16; cat $F/xx-town-2021-excel/台账/依申请公开登记簿.txt >> corpus/ledger/utf16
# rules: selector byte (files in name order), then the file.
i=0
for f in $(ls ../rules/county-zwgk-2021/*.yaml | sort); do printf "\\$(printf %o $i)" > corpus/rules/r$i; cat "$f" >> corpus/rules/r$i; i=$((i+1)); done
(cd $F/xx-town-2021-excel && python3 -c "
import zipfile,os
z=zipfile.ZipFile('/tmp/kaohe-seed.zip','w',zipfile.ZIP_DEFLATED)
for r,_,fs in os.walk('.'):
  for f in fs: z.write(os.path.join(r,f))
z.close()")
cp /tmp/kaohe-seed.zip corpus/zip_bundle/twin.zip
# pdf: the Chromium-printed and the scanned annual report.
mkdir -p corpus/pdf
cp $F/annual-reports/text-layer.pdf $F/annual-reports/scanned.pdf corpus/pdf/
# docx: selector byte 0 then a whole .docx; selector 1 then a word/document.xml.
mkdir -p corpus/docx corpus/html_tables corpus/expr_eval
for f in $F/xx-town-2021-excel/材料/年度报告.docx $F/annual-reports/report.docx $F/malformed/*/bundle/材料/*.docx; do
  n=$(echo "${f#../fixtures/}" | tr / _)
  printf '\000' > "corpus/docx/$n"; cat "$f" >> "corpus/docx/$n"
  printf '\001' > "corpus/docx/xml-$n"; unzip -p "$f" word/document.xml >> "corpus/docx/xml-$n" 2>/dev/null || true
done
# html_tables: selector 0 (.html), 1 (.md), 2 (a ledger saved as a web page).
for f in $(find $F -name '*.html' -o -name '*.htm'); do
  n=$(echo "${f#../fixtures/}" | tr / _)
  printf '\000' > "corpus/html_tables/$n"; cat "$f" >> "corpus/html_tables/$n"
  printf '\002' > "corpus/html_tables/ledger-$n"; cat "$f" >> "corpus/html_tables/ledger-$n"
done
for f in $(find $F -name '年度报告.md' | head -20); do
  n=$(echo "${f#../fixtures/}" | tr / _)
  printf '\001' > "corpus/html_tables/$n"; cat "$f" >> "corpus/html_tables/$n"
done
# expr_eval: every let, measure and condition of the built-in rule sets, one per file.
python3 - <<'PY'
import yaml, glob, hashlib, os
seen = set()
def walk(v):
    if isinstance(v, dict):
        for x in v.values(): walk(x)
    elif isinstance(v, list):
        for x in v: walk(x)
    elif isinstance(v, str) and any(c in v for c in "().") and len(v) < 2000:
        seen.add(v)
for f in glob.glob('../rules/*/*.yaml'):
    try:
        walk(yaml.safe_load(open(f, encoding='utf-8')))
    except Exception:
        pass
for s in seen:
    open('corpus/expr_eval/' + hashlib.sha1(s.encode()).hexdigest()[:16], 'w', encoding='utf-8').write(s)
PY
