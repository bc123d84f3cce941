#!/usr/bin/env bash
# Writes the client's class-data-sharing archive (hodei-cli.jsa beside hodei-cli.jar) from a
# training run that loads what a call loads (dev.hodei.cli.ClassArchiveTraining). A static archive
# (class list, then -Xshare:dump), not a dynamic one: JDK 17 leaves classes of old class-file
# versions, picocli's among them, out of a dynamic archive. The archive belongs to this JVM and
# this jar: a JVM or jar that does not match it just starts without it.
set -euo pipefail
jar="${1:?usage: client-class-archive.sh path/to/hodei-cli.jar}"
jsa="${jar%.jar}.jsa"
tmp="$jsa.$$"
trap 'rm -f "$tmp" "$tmp.classes"' EXIT
java -XX:DumpLoadedClassList="$tmp.classes" -Xlog:cds=off -cp "$jar" dev.hodei.cli.ClassArchiveTraining >/dev/null 2>&1
java -Xshare:dump -XX:SharedClassListFile="$tmp.classes" -XX:SharedArchiveFile="$tmp" -Xlog:cds=off -Xlog:cds+map=off \
  -cp "$jar" >/dev/null 2>&1
mv -f "$tmp" "$jsa"
