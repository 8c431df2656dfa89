#!/usr/bin/env python3
"""Check a `divertsim check --junit` report against the common JUnit XML
shape (the Jenkins/Ant junit.xsd every CI reads): <testsuites> holding
<testsuite name tests failures errors time> elements, each holding
<testcase name classname> elements with at most one <failure> or <error>
(message, type), the counts agreeing with the cases.

    junit_check.py REPORT.xml NSUITES
"""
import sys
import xml.etree.ElementTree as ET


def fail(msg):
    print('junit_check: ' + msg)
    sys.exit(1)


root = ET.parse(sys.argv[1]).getroot()
if root.tag != 'testsuites':
    fail('root is <%s>, not <testsuites>' % root.tag)
suites = root.findall('testsuite')
if len(suites) != int(sys.argv[2]):
    fail('%d suites, expected %s' % (len(suites), sys.argv[2]))
tot = {'tests': 0, 'failures': 0, 'errors': 0}
for s in suites:
    for a in ('name', 'tests', 'failures', 'errors', 'time'):
        if a not in s.attrib:
            fail('testsuite without %s' % a)
    float(s.get('time'))
    cases = s.findall('testcase')
    n = {'tests': len(cases), 'failures': 0, 'errors': 0}
    for c in cases:
        if 'name' not in c.attrib or 'classname' not in c.attrib:
            fail('testcase without name or classname')
        kids = [k for k in c if k.tag in ('failure', 'error', 'skipped')]
        if len(kids) > 1:
            fail('testcase with %d outcomes' % len(kids))
        for k in kids:
            if k.tag in ('failure', 'error'):
                if 'message' not in k.attrib or 'type' not in k.attrib:
                    fail('<%s> without message or type' % k.tag)
                n[k.tag + ('s' if k.tag == 'failure' else 's')] += 1
    for a in n:
        if int(s.get(a)) != n[a]:
            fail('%s: %s=%s but %d cases say so' %
                 (s.get('name'), a, s.get(a), n[a]))
        tot[a] += n[a]
for a in tot:
    if int(root.get(a)) != tot[a]:
        fail('testsuites %s=%s, suites add up to %d' % (a, root.get(a),
                                                        tot[a]))
print('junit: %d suites, %d tests, %d failures, %d errors' %
      (len(suites), tot['tests'], tot['failures'], tot['errors']))
