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
# Hand-written document.xml seeds (selector 1): a vertical merge, gridBefore with a spanning
# cell and a nested table, a UTF-16 document (the fixtures' .docx have none of these).
S='<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
E='</w:body></w:document>'
{ printf '\001'; printf '%s' "$S<w:tbl><w:tr><w:tc><w:tcPr><w:vMerge w:val=\"restart\"/></w:tcPr><w:p><w:r><w:t>并</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>二</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:p><w:r><w:t>三</w:t></w:r></w:p></w:tc></w:tr></w:tbl>$E"; } > corpus/docx/seed-vmerge
{ printf '\001'; printf '%s' "$S<w:tbl><w:tr><w:trPr><w:gridBefore w:val=\"3\"/></w:trPr><w:tc><w:tcPr><w:gridSpan w:val=\"2\"/></w:tcPr><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:tbl><w:tr><w:tc><w:p><w:r><w:t>嵌</w:t></w:r></w:p></w:tc></w:tr></w:tbl><w:p/></w:tc></w:tr></w:tbl><w:p><w:r><w:t>一、总体情况</w:t></w:r></w:p>$E"; } > corpus/docx/seed-gridbefore-nested
{ printf '\001'; printf '\377\376'; printf '%s' "$S<w:p><w:r><w:t>一、总体情况</w:t></w:r></w:p>$E" | iconv -f utf-8 -t utf-16le; } > corpus/docx/seed-utf16
# Hand-written table seeds: spans, a Markdown pipe table with raw HTML, a ledger page.
{ printf '\000'; printf '%s' '<html><body><table><tr><td rowspan=3 colspan=2>x</td><td>y</td></tr><tr><td>z</td></tr></table><table><tr><th colspan=0>a</th></tr></table></body></html>'; } > corpus/html_tables/seed-spans
{ printf '\001'; printf '%s\n' '# 年度报告' '| 项目 | 数量 |' '|---|---|' '| 主动公开 | 12 |' '' '<table><tr><td rowspan=2>a</td></tr><tr></tr></table>'; } > corpus/html_tables/seed-md
{ printf '\002'; printf '%s' '<table><tr><td>标题</td><td>栏目</td><td>索引号</td><td>成文日期</td><td>发布日期</td></tr><tr><td rowspan=2>会议一</td><td>工作动态</td><td>X/1</td><td>2021-03-01</td><td>2021-03-02</td></tr></table>'; } > corpus/html_tables/seed-ledger
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
