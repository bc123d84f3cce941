#!/usr/bin/env bash
# Writes the client's class-data-sharing archive (hodei-cli.jsa beside hodei-cli.jar) from a
# training run that loads what a call loads (dev.hodei.cli.ClassArchiveTraining). The archive
# belongs to this JVM and this jar: a JVM or jar that does not match it just starts without it.
set -euo pipefail
jar="${1:?usage: client-class-archive.sh path/to/hodei-cli.jar}"
jsa="${jar%.jar}.jsa"
tmp="$jsa.$$"
java -XX:ArchiveClassesAtExit="$tmp" -Xlog:cds=off -Xlog:cds+dynamic=off \
  -cp "$jar" dev.hodei.cli.ClassArchiveTraining >/dev/null 2>&1
mv -f "$tmp" "$jsa"
