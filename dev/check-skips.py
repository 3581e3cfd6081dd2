#!/usr/bin/env python3
"""Fails when a test of the last Maven run was skipped, unless README's "Skipped tests" lists it.

A skipped test is a claim nobody checked: `make test` runs this after every Maven step, so a
new assumption, @Disabled or missing tool cannot pass unnoticed (README: Tests).
"""
import glob
import re
import sys
import xml.etree.ElementTree as ET

readme = open("README.md", encoding="utf-8").read()
section = re.search(r"^### Skipped tests\n(.*?)(?=^#)", readme, re.S | re.M)
allowed = set(re.findall(r"`([\w.]+#\w+)`", section.group(1))) if section else set()

skipped = []
reports = glob.glob("target/surefire-reports/TEST-*.xml") + glob.glob("target/failsafe-reports/TEST-*.xml")
for report in reports:
    for case in ET.parse(report).getroot().iter("testcase"):
        if case.find("skipped") is not None:
            method = re.sub(r"[(\[].*", "", case.get("name"))
            name = case.get("classname") + "#" + method
            reason = case.find("skipped").get("message") or "no reason given"
            if name not in allowed:
                skipped.append(f"{name}: {reason}")

if skipped:
    print("make test: these tests were skipped and README's \"Skipped tests\" does not list them:", file=sys.stderr)
    for line in sorted(set(skipped)):
        print("  " + line, file=sys.stderr)
    sys.exit(1)
print(f"make test: no unlisted skipped test in {len(reports)} report(s)")
