#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the serial console log of one guest run into test results.

The guest's init script frames everything it runs with marker lines::

    ALIST-BEGIN kunit <suite>        (/sys/kernel/debug/kunit/<suite>/results)
    ALIST-END kunit <suite>
    ALIST-BEGIN selftest <name>      (the kselftest harness TAP output)
    ALIST-END selftest <name> rc=<exit status>
    ALIST-BEGIN kmemleak scan        (/sys/kernel/debug/kmemleak after a
    ALIST-END kmemleak scan           scan at the end of the run)
    ALIST-TAINT <decimal /proc/sys/kernel/tainted>
    ALIST-DONE

A kmemleak block is a pass when empty; every object it reports is a
failure, and so is any other text in it (a scan that did not run). The
exceptions, reported as skips: KMEMLEAK_KNOWN (KUnit's own mm), and
objects allocated before the jiffies of ``ALIST-KMEMLEAK-SINCE <jiffies>``
(printed by init before it loads anything: boot's, not ours).

Kernel messages (``[    1.234567] ...``) may be interleaved anywhere, even
inside a block: they are taken out of the blocks before the KTAP/TAP text is
parsed, and the whole log is scanned for kernel splats.

Only leaf results are counted. Every result is printed as one line::

    PASS|FAIL|SKIP <label>/<kind>/<suite-or-prog>/<test path>

and the last line is ``N passed, N failed, N skipped``. The exit status is 0
if and only if nothing failed.
"""

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from typing import List, Optional

PASS, FAIL, SKIP = 'PASS', 'FAIL', 'SKIP'

# include/linux/panic.h: TAINT_OOT_MODULE is bit 12 ('O'), TAINT_TEST is
# bit 18 ('N', set by kunit_run_tests()).
TAINT_OOT_MODULE = 12
TAINT_TEST = 18
DEFAULT_TAINT_MASK = (1 << TAINT_OOT_MODULE) | (1 << TAINT_TEST)
# kernel/panic.c taint_flags[], indexed by bit number.
TAINT_LETTERS = 'PFSRMBUDAWCIOELKXTNJ'

# Taints a test guest may show because it asked for them with a module
# parameter (Documentation/smmuv3.rst): (bit, the parameter on the kernel
# command line, the message the module prints when it taints). The bit is
# allowed only when the log has both; any other taint still fails.
TAINT_USER = 6
PARAM_TAINTS = [
    (TAINT_USER,
     re.compile(r'Kernel command line:.*(?:^|\s)'
                r'alist_smmuv3\.allow_noncoherent_viommu=(?:1|y|Y)(?:\s|$)'),
     re.compile(r'alist_smmuv3: allow_noncoherent_viommu: .*tainting the kernel')),
]

# A kernel console line: "[    1.234567] msg", optionally with the
# CONFIG_PRINTK_CALLER field "[    1.234567][    T1] msg".
KERNEL_PREFIX = re.compile(r'^\s*\[\s*\d+\.\d+\](?:\[\s*[TC]\d+\])?\s?')
# The same prefix spliced into the middle of a user-space line.
KERNEL_SPLICE = re.compile(r'\[\s*\d+\.\d{6}\](?:\[\s*[TC]\d+\])?')

BEGIN_RE = re.compile(r'^\s*ALIST-BEGIN\s+(\S+)\s+(\S+)\s*$')
END_RE = re.compile(r'^\s*ALIST-END\s+(\S+)\s+(\S+)(?:\s+rc=(-?\d+))?\s*$')
TAINT_RE = re.compile(r'^\s*ALIST-TAINT\s+(\d+)\s*$')
SINCE_RE = re.compile(r'^\s*ALIST-KMEMLEAK-SINCE\s+(\d+)\s*$')
DONE_RE = re.compile(r'^\s*ALIST-DONE\s*$')

VERSION_RE = re.compile(r'^K?TAP version \d+\s*$')
SUBTEST_RE = re.compile(r'^#\s*Subtest:\s*(.*?)\s*$')
PLAN_RE = re.compile(r'^1\.\.(\d+)\s*(?:#\s*(.*?))?\s*$')
RESULT_RE = re.compile(r'^(not ok|ok)(?=\s|$)\s*(\d+)?\s*(?:-\s+)?(.*)$')

# Splat headers, matched at the start of a kernel message (after the
# timestamp). The first matching entry names the kind of the splat.
SPLAT_HEADERS = [
    ('cut-here', re.compile(r'-+\[ cut here \]-+')),
    ('KASAN', re.compile(r'BUG: KASAN: ')),
    ('lockdep', re.compile(
        r'WARNING: (possible circular locking dependency'
        r'|possible recursive locking|inconsistent lock state'
        r'|suspicious RCU usage|lock held when returning to user space'
        r'|bad unlock balance|possible irq lock inversion'
        r'|held lock freed|Nested lock was not taken'
        r'|\S+ still has locks held|\S+-safe -> \S+-unsafe lock order)')),
    ('lockdep', re.compile(r'.*DEBUG_LOCKS_WARN_ON')),
    ('atomic-sleep', re.compile(
        r'(BUG: )?sleeping function called from invalid context')),
    ('atomic-sleep', re.compile(r'(BUG: )?scheduling while atomic')),
    ('RCU-stall', re.compile(r'(rcu: )?INFO: \S+ (self-)?detected stall')),
    ('RCU-stall', re.compile(r'.*rcu_sched self-detected stall')),
    ('hung-task', re.compile(r'INFO: task \S+ blocked for more than')),
    ('list-corruption', re.compile(r'list_(add|del) corruption')),
    ('UBSAN', re.compile(r'UBSAN: ')),
    ('BUG', re.compile(r'(\w+: )?BUG: ')),
    ('WARN', re.compile(r'WARNING: ')),
    ('fault', re.compile(r'Unable to handle kernel')),
    ('GPF', re.compile(r'general protection fault')),
    ('Oops', re.compile(r'(Internal error: )?Oops\b')),
    ('panic', re.compile(r'Kernel panic - not syncing')),
    ('call-trace', re.compile(r'Call [Tt]race:')),
]
SPLAT_END_RE = re.compile(r'---\[ end (trace|Kernel panic)')
KASAN_END_RE = re.compile(r'^={20,}\s*$')

# /sys/kernel/debug/kmemleak: one paragraph per suspect, opened by this line
KMEMLEAK_OBJECT_RE = re.compile(
    r'^unreferenced object(?: \(\w+\))? (0x[0-9a-f]+) \(size (\d+)\):')
# Suspects that are not ours: KUnit's own mm for kunit_vm_mmap(), which
# kmemleak reports on the arm64 guest once the test thread is gone
KMEMLEAK_KNOWN = [re.compile(r'^kunit_attach_mm\+')]
# The suspect's allocation time: '  comm "insmod", pid 81, jiffies 4294905561'
KMEMLEAK_JIFFIES_RE = re.compile(r'^comm ".*", pid \d+, jiffies (\d+)$')
# A backtrace frame: "func+0x1/0x2 [module]" (the module is optional)
KMEMLEAK_FRAME_RE = re.compile(r'^(\S+\+0x[0-9a-f]+/0x[0-9a-f]+)(\s+\[\S+\])?$')

SPLAT_CONTEXT = 40          # lines printed after a splat header
SPLAT_ABSORB = 40           # a different header this close joins the splat
CALL_TRACE_ABSORB = 200     # a Call Trace this close to a header joins it
SUMMARY_MAX = 100
TRACE_CONTEXT = 3           # lines shown before a bare Call Trace


@dataclass
class Result:
    """One ``ok``/``not ok`` line, with the subtests it closes."""
    ok: bool
    number: Optional[int]
    name: str
    directive: str
    children: List['Result'] = field(default_factory=list)
    child_plan: Optional[int] = None


@dataclass
class Level:
    """One nesting level of KTAP output: a version line and what follows."""
    indent: Optional[int]
    name: str = ''
    plan: Optional[int] = None
    plan_directive: str = ''
    results: List[Result] = field(default_factory=list)
    seen_version: bool = False


@dataclass
class Block:
    """The text between ALIST-BEGIN and ALIST-END for one suite or program."""
    kind: str
    name: str
    lines: List[str] = field(default_factory=list)
    ended: bool = False
    rc: Optional[int] = None


@dataclass
class Splat:
    """A kernel splat: its kind, a one-line summary and the lines shown."""
    kind: str
    summary: str
    line: int
    kinds: List[str] = field(default_factory=list)
    text: List[str] = field(default_factory=list)
    closed: bool = False


@dataclass
class Log:
    """What the marker lines of a console log say."""
    blocks: List[Block] = field(default_factory=list)
    taint: Optional[int] = None
    kmemleak_since: Optional[int] = None
    done: bool = False
    lines: List[str] = field(default_factory=list)


def strip_kernel_prefix(line):
    """Return (is_kernel_line, message) for one console line."""
    m = KERNEL_PREFIX.match(line)
    if m:
        return True, line[m.end():]
    return False, line


def kernel_message(line):
    """The kernel message in a console line, or the line itself.

    A kernel message spliced into the middle of a user-space line is
    returned without the user-space text in front of it.
    """
    is_kernel, message = strip_kernel_prefix(line)
    if is_kernel:
        return message
    m = KERNEL_SPLICE.search(line)
    if m:
        return line[m.end():].lstrip(' ')
    return line


def console_lines(text):
    """Split console text into lines, dropping CRs and trailing blanks."""
    return [l.replace('\r', '').rstrip() for l in text.split('\n')]


def split_log(text):
    """Cut the log into marker-framed blocks.

    Kernel lines inside a block are left out of the block. A kernel message
    spliced into the middle of a user-space line (the kernel's console
    printer and init share the serial port) is cut off, and the rest of the
    user-space line (the next non-kernel line) is joined back to its start.
    Marker lines get the same repair as block lines.
    """
    log = Log(lines=console_lines(text))
    block = None
    pending = ''
    for line in log.lines:
        is_kernel, _ = strip_kernel_prefix(line)
        if is_kernel:
            continue
        m = KERNEL_SPLICE.search(line)
        if m and m.start() > 0:
            # The user-space line goes on after the kernel message, maybe
            # interrupted again. Outside a block only a marker is worth
            # repairing; other text in front of a kernel message (firmware
            # escape codes) is noise.
            prefix = line[:m.start()]
            if pending or block is not None or prefix.lstrip().startswith('ALIST-'):
                pending += prefix
            continue
        line, pending = pending + line, ''
        m = BEGIN_RE.match(line)
        if m:
            block = Block(kind=m.group(1), name=m.group(2))
            log.blocks.append(block)
            continue
        m = END_RE.match(line)
        if m:
            if block is not None and (block.kind, block.name) == m.group(1, 2):
                block.ended = True
                block.rc = int(m.group(3)) if m.group(3) is not None else None
            block = None
            continue
        m = TAINT_RE.match(line)
        if m:
            log.taint = int(m.group(1))
            block = None
            continue
        m = SINCE_RE.match(line)
        if m and block is None:
            log.kmemleak_since = int(m.group(1))
            continue
        if DONE_RE.match(line):
            log.done = True
            block = None
            continue
        if block is not None:
            block.lines.append(line)
    return log


def close_levels(stack, indent):
    """Pop the levels a result line at @indent closes.

    Return the innermost closed level merged with any levels between it and
    the result (malformed nesting), or None if nothing was closed.
    """
    closed = None
    while len(stack) > 1 and stack[-1].indent is not None \
            and indent < stack[-1].indent:
        level = stack.pop()
        if closed is not None:
            level.results.append(Result(ok=True, number=None, name=closed.name,
                                        directive='', children=closed.results,
                                        child_plan=closed.plan))
        closed = level
    return closed


def parse_result_line(m):
    """Build a Result from a RESULT_RE match."""
    rest = m.group(3) or ''
    desc, _, directive = rest.partition('#')
    number = int(m.group(2)) if m.group(2) else None
    return Result(ok=m.group(1) == 'ok', number=number, name=desc.strip(),
                  directive=directive.strip())


def handle_result(stack, indent, m):
    """Attach one result line to the tree."""
    result = parse_result_line(m)
    closed = close_levels(stack, indent)
    if closed is not None:
        result.children = closed.results
        result.child_plan = closed.plan
        if not result.name:
            result.name = closed.name
    top = stack[-1]
    if top.indent is None:
        top.indent = indent
    elif indent > top.indent:
        top = Level(indent=indent)
        stack.append(top)
    top.results.append(result)


def handle_version(stack, indent):
    """A version line: the root's own, or the start of a nested level."""
    top = stack[-1]
    if len(stack) == 1 and not top.seen_version and not top.results \
            and top.plan is None:
        top.indent = indent
        top.seen_version = True
        return
    stack.append(Level(indent=indent, seen_version=True))


def handle_subtest(stack, indent, name):
    """A ``# Subtest:`` line names the level just opened, or opens one."""
    top = stack[-1]
    if top.indent == indent and not top.results and not top.name \
            and len(stack) > 1:
        top.name = name
    elif top.indent is None or indent > top.indent:
        stack.append(Level(indent=indent, name=name))


def handle_plan(stack, indent, m):
    """A plan line sets the plan of its level (opening one if deeper)."""
    top = stack[-1]
    if top.indent is not None and indent > top.indent:
        top = Level(indent=indent)
        stack.append(top)
    if top.indent is None:
        top.indent = indent
    if top.plan is None:
        top.plan = int(m.group(1))
        top.plan_directive = m.group(2) or ''


def parse_ktap(lines):
    """Parse KTAP or TAP 13 text into (root level, unterminated levels).

    Nesting follows indentation: a version line opens a level at its own
    indentation, and a result line less indented than the current level
    closes it and becomes the result of the test that level belonged to.
    """
    stack = [Level(indent=None)]
    for raw in lines:
        text = raw.strip()
        if not text:
            continue
        indent = len(raw) - len(raw.lstrip())
        if VERSION_RE.match(text):
            handle_version(stack, indent)
            continue
        m = SUBTEST_RE.match(text)
        if m:
            handle_subtest(stack, indent, m.group(1))
            continue
        m = PLAN_RE.match(text)
        if m:
            handle_plan(stack, indent, m)
            continue
        m = RESULT_RE.match(text)
        if m:
            handle_result(stack, indent, m)
    return stack[0], stack[1:]


def leaf_status(result):
    """PASS, FAIL or SKIP for a result line, from its ok and directive.

    ``# SKIP`` is a skip whatever the ok says. An expected failure
    (``# XFAIL``, or ``not ok # TODO``) is reported as a skip: it did not
    pass, but it is not a new failure. ``# XPASS`` is a failure, as
    kselftest's exit status makes it one.
    """
    word = result.directive.split(None, 1)[0].upper() if result.directive \
        else ''
    if word == 'SKIP':
        return SKIP
    if word == 'XFAIL' or (word == 'TODO' and not result.ok):
        return SKIP
    if word == 'XPASS':
        return FAIL
    return PASS if result.ok else FAIL


def result_name(result):
    """A result's name, or ``test<N>`` if the line had no description."""
    if result.name:
        return result.name
    return 'test%s' % (result.number if result.number is not None else '')


def plan_check(plan, results, path, out):
    """Add a failure if a level's plan and its result count disagree."""
    if plan is not None and plan != len(results):
        out.append((FAIL, '%s/plan:%d/%d' % (path, len(results), plan)))


def walk(result, path, out, check_plans):
    """Append (status, name) for the leaves under @result."""
    name = path + '/' + result_name(result) if path is not None \
        else ''
    if not result.children:
        out.append((leaf_status(result), name))
        return
    before = len(out)
    for child in result.children:
        walk(child, name, out, check_plans)
    if check_plans:
        plan_check(result.child_plan, result.children, name, out)
    child_failed = any(s == FAIL for s, _ in out[before:])
    if leaf_status(result) == FAIL and not child_failed:
        out.append((FAIL, name))


def block_results(block):
    """Return the (status, name) results of one block, names relative.

    Names are paths below the block ('' is the block itself). For a KUnit
    block the results file wraps the suite in a one-test top level: its
    single result is the suite and test paths start below it.
    """
    root, open_levels = parse_ktap(block.lines)
    out = []
    check_plans = block.ended
    tops = root.results
    if block.kind == 'kunit' and len(tops) == 1:
        walk(tops[0], None, out, check_plans)
    else:
        for result in tops:
            walk(result, '', out, check_plans)
        if check_plans and out:
            plan_check(root.plan, tops, '', out)
    if block.ended and open_levels:
        out.append((FAIL, '/unterminated:%s' % (open_levels[0].name or '?')))
    if not out:
        out.extend(empty_block_result(block, root))
    return out


def empty_block_result(block, root):
    """Results for a block with no result lines at all."""
    skipped = block.rc == 4 or \
        root.plan_directive.upper().startswith('SKIP')
    if skipped:
        return [(SKIP, '')]
    if block.ended:
        return [(FAIL, '/no-results')]
    return []


def rc_results(block, results):
    """Check a selftest's exit status against its result lines."""
    if block.kind != 'selftest' or not block.ended or block.rc is None:
        return []
    if block.rc in (0, 4):
        return []
    if any(s == FAIL for s, _ in results):
        return []
    return [(FAIL, '/rc=%d' % block.rc)]


def qualify(label, block, results):
    """Prefix relative result names with <label>/<kind>/<name>."""
    prefix = '%s/%s/%s' % (label, block.kind, block.name)
    return [(s, prefix + n) for s, n in results]


def kmemleak_summary(lines):
    """One line naming a kmemleak suspect: its size and where it came from.

    The first backtrace frame in a module is the likeliest culprit; without
    one, the first frame that is not the allocator's own.
    """
    m = KMEMLEAK_OBJECT_RE.match(lines[0])
    frames = [f for f in (KMEMLEAK_FRAME_RE.match(l.strip())
                          for l in lines[1:]) if f]
    ours = [f for f in frames if f.group(2)]
    alloc = re.compile(r'^(kmemleak_|__?kmalloc|kmalloc|kmem_cache_|kvmalloc|'
                       r'__?vmalloc|slab_|__alloc_|alloc_pages|__kvmalloc|'
                       r'pcpu_alloc)')
    other = [f for f in frames if not alloc.match(f.group(1))]
    frame = (ours or other or frames or [None])[0]
    where = ' in %s%s' % (frame.group(1), frame.group(2) or '') if frame else ''
    return 'unreferenced object (size %s)%s' % (m.group(2), where)


def kmemleak_before(lines, since):
    """Whether a suspect was allocated before jiffies @since (None: no)."""
    if since is None:
        return False
    for l in lines[1:]:
        m = KMEMLEAK_JIFFIES_RE.match(l.strip())
        if m:
            # 64-bit guests: jiffies do not wrap within a run
            return int(m.group(1)) < since
    return False


def kmemleak_results(block, texts, since=None):
    """Results of a kmemleak block: a pass if empty, a failure per suspect.

    Text that is no suspect (the init script's note of a failed scan) is a
    failure of its own. A suspect allocated before jiffies @since (boot's,
    before any of ours ran: ALIST-KMEMLEAK-SINCE) is a skip under /boot.
    @texts gets the lines of each failure, by its name relative to the
    block.
    """
    groups = []
    for line in block.lines:
        text = line.strip()
        if not text:
            continue
        if KMEMLEAK_OBJECT_RE.match(text):
            groups.append([text])
        elif groups and KMEMLEAK_OBJECT_RE.match(groups[-1][0]):
            groups[-1].append(line.rstrip())
        else:
            groups.append([text])
    if not groups:
        return [(PASS, '')]
    out = []
    known = 0
    for lines in groups:
        status = FAIL
        if KMEMLEAK_OBJECT_RE.match(lines[0]):
            name = '/' + kmemleak_summary(lines)
            if any(k.match(l.strip()) for k in KMEMLEAK_KNOWN
                   for l in lines[1:]):
                # One mm per KUnit test that maps user memory: counted
                known += 1
                continue
            if kmemleak_before(lines, since):
                name, status = '/boot' + name, SKIP
        else:
            name = '/error: ' + summarize(lines[0])
        texts.setdefault(name, []).append(lines)
        out.append((status, name))
    if not any(s == FAIL for s, _ in out):
        out.insert(0, (PASS, ''))
    if known:
        out.append((SKIP, '/known: %d objects of KUnit\'s own mm '
                    '(kunit_attach_mm)' % known))
    return out


def evaluate_blocks(log, label, expects, texts=None):
    """All results coming from the marker blocks and the expect list.

    @texts (a dict) gets the lines behind a failure, by result name, for
    the failures that have some (kmemleak suspects).
    """
    results = []
    seen = set()
    texts = {} if texts is None else texts
    for block in log.blocks:
        seen.add('%s:%s' % (block.kind, block.name))
        if block.kind == 'kmemleak':
            block_texts = {}
            rel = kmemleak_results(block, block_texts, log.kmemleak_since)
            prefix = '%s/%s/%s' % (label, block.kind, block.name)
            for name, groups in block_texts.items():
                texts.setdefault(prefix + name, []).extend(groups)
            results += qualify(label, block, rel)
            if not block.ended:
                results.append((FAIL, '%s/truncated/%s:%s'
                                % (label, block.kind, block.name)))
            continue
        rel = block_results(block)
        rel += rc_results(block, rel)
        results += qualify(label, block, rel)
        if not block.ended:
            results.append((FAIL, '%s/truncated/%s:%s'
                            % (label, block.kind, block.name)))
    for want in expects:
        if want not in seen:
            results.append((FAIL, '%s/missing/%s' % (label, want)))
    return results


def splat_kind(message):
    """The kind of splat header @message is, or None."""
    for kind, regex in SPLAT_HEADERS:
        if regex.match(message):
            return kind
    return None


def summarize(message):
    """One-line summary of a splat header, whitespace collapsed."""
    text = ' '.join(message.split())
    if len(text) > SUMMARY_MAX:
        text = text[:SUMMARY_MAX - 3] + '...'
    return text


def start_splat(kind, message, lineno):
    """A new Splat beginning at header @message."""
    return Splat(kind=kind, summary=summarize(message), line=lineno,
                 kinds=[kind], text=[message])


def absorb(splat, kind, message):
    """A secondary header joins @splat; it may give a better summary."""
    splat.kinds.append(kind)
    if splat.kind == 'cut-here':
        splat.kind = kind
        splat.summary = summarize(message)


def continue_splat(splat, message, lineno):
    """Add a following line to an open splat and see if it ends there."""
    if lineno - splat.line <= SPLAT_CONTEXT:
        splat.text.append(message)
    if SPLAT_END_RE.search(message):
        splat.closed = True
    elif splat.kind == 'KASAN' and KASAN_END_RE.match(message):
        splat.closed = True


def joins_open_splat(splat, kind, lineno):
    """Whether header @kind at @lineno belongs to the open @splat."""
    if splat is None or splat.closed:
        return False
    age = lineno - splat.line
    if kind == 'call-trace':
        return age <= CALL_TRACE_ABSORB
    if kind == 'cut-here':
        return False
    return age <= SPLAT_ABSORB and kind not in splat.kinds


def find_splats(lines):
    """Scan every console line for kernel splats.

    A header opens a splat; the next lines are kept as its text. Another
    header of a different kind shortly after (``cut here`` then
    ``WARNING:``, ``BUG: unable to handle`` then ``Oops:``) belongs to the
    same splat; a ``Call Trace:`` belongs to the open splat if there is one
    and is a splat of its own otherwise (shown with the lines before it).
    """
    splats = []
    current = None
    recent = []
    for lineno, line in enumerate(lines, 1):
        message = kernel_message(line)
        kind = splat_kind(message)
        if kind is None or joins_open_splat(current, kind, lineno):
            if current is not None and not current.closed:
                if kind not in (None, 'call-trace'):
                    absorb(current, kind, message)
                continue_splat(current, message, lineno)
        else:
            current = start_splat(kind, message, lineno)
            if kind == 'call-trace':
                current.text[:0] = recent
            splats.append(current)
        recent = (recent + [message])[-TRACE_CONTEXT:]
    return splats


def splat_name(label, splat):
    """The failure name of one splat."""
    if splat.kind == 'call-trace':
        return '%s/splat/%s (no recognized header before it)' % (
            label, splat.summary)
    return '%s/splat/%s' % (label, splat.summary)


def taint_letters(value):
    """Taint flag letters for the bits set in @value."""
    return ''.join(TAINT_LETTERS[b] if b < len(TAINT_LETTERS) else '?'
                   for b in range(value.bit_length()) if value >> b & 1)


def param_taint_mask(lines):
    """Taint bits the guest asked for with a module parameter (PARAM_TAINTS)."""
    msgs = [kernel_message(line) for line in lines]
    mask = 0
    for bit, param_re, msg_re in PARAM_TAINTS:
        if any(param_re.search(m) for m in msgs) and \
           any(msg_re.search(m) for m in msgs):
            mask |= 1 << bit
    return mask


def guest_results(log, label, allowed_taint):
    """Failures about the guest as a whole: incomplete run, bad taint."""
    out = []
    if not log.done:
        out.append((FAIL, '%s/guest/incomplete' % label))
    if log.taint is None:
        if log.done:
            out.append((FAIL, '%s/taint/missing' % label))
    elif log.taint & ~allowed_taint:
        bad = log.taint & ~allowed_taint
        out.append((FAIL, '%s/taint/%d:%s' % (label, log.taint,
                                              taint_letters(bad))))
    return out


@dataclass
class Report:
    """Everything ktap.py found in one log."""
    label: str
    results: List[tuple]
    splats: List[Splat]
    texts: dict = field(default_factory=dict)

    def count(self, status):
        """How many results have @status."""
        return sum(1 for s, _ in self.results if s == status)

    def summary(self):
        """The final 'N passed, N failed, N skipped' line."""
        return '%d passed, %d failed, %d skipped' % (
            self.count(PASS), self.count(FAIL), self.count(SKIP))

    def to_json(self):
        """The dictionary written by --json."""
        return {
            'label': self.label,
            'passed': self.count(PASS),
            'failed': self.count(FAIL),
            'skipped': self.count(SKIP),
            'results': [{'status': s, 'name': n} for s, n in self.results],
            'splats': [{'kind': sp.kind, 'summary': sp.summary,
                        'line': sp.line, 'text': sp.text}
                       for sp in self.splats],
            'leaks': [{'name': n, 'text': t} for n, groups in
                      self.texts.items() for t in groups],
        }


def analyze(text, label='guest', expects=(),
            allowed_taint=DEFAULT_TAINT_MASK):
    """Parse a whole console log and return its Report."""
    log = split_log(text)
    texts = {}
    results = evaluate_blocks(log, label, list(expects), texts)
    splats = find_splats(log.lines)
    results += [(FAIL, splat_name(label, sp)) for sp in splats]
    results += guest_results(log, label,
                             allowed_taint | param_taint_mask(log.lines))
    return Report(label=label, results=results, splats=splats, texts=texts)


def print_report(report, out):
    """Print result lines, splat excerpts and the summary line."""
    splat_text = {}
    for sp in report.splats:
        splat_text.setdefault(splat_name(report.label, sp), []).append(sp)
    other_text = {n: list(g) for n, g in report.texts.items()}
    for status, name in report.results:
        print('%s %s' % (status, name), file=out)
        if splat_text.get(name):
            splat = splat_text[name].pop(0)
            print('    (console line %d)' % splat.line, file=out)
            for line in splat.text:
                print('    | %s' % line, file=out)
        elif other_text.get(name):
            for line in other_text[name].pop(0):
                print('    | %s' % line, file=out)
    print(report.summary(), file=out)


def parse_args(argv):
    """Command line of ktap.py."""
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('log', help='serial console log of one guest run')
    p.add_argument('--expect', action='append', default=[],
                   metavar='KIND:NAME',
                   help='a block that must be present (kunit:<suite> or '
                   'selftest:<name>); may be repeated')
    p.add_argument('--json', metavar='OUT', help='also write results as JSON')
    p.add_argument('--label', default='guest',
                   help='prefix of every result name (e.g. x86_64)')
    p.add_argument('--allow-taint-mask', type=lambda s: int(s, 0),
                   default=DEFAULT_TAINT_MASK, metavar='N',
                   help='taint bits that are not a failure (default %d: '
                   'O and N)' % DEFAULT_TAINT_MASK)
    return p.parse_args(argv)


def main(argv=None):
    """Entry point: returns the exit status."""
    args = parse_args(argv)
    for want in args.expect:
        if not re.match(r'^(kunit|selftest):\S+$', want):
            print('ktap.py: bad --expect %r' % want, file=sys.stderr)
            return 2
    with open(args.log, encoding='utf-8', errors='replace') as f:
        text = f.read()
    report = analyze(text, args.label, args.expect, args.allow_taint_mask)
    print_report(report, sys.stdout)
    if args.json:
        with open(args.json, 'w', encoding='utf-8') as f:
            json.dump(report.to_json(), f, indent=1)
            f.write('\n')
    return 0 if report.count(FAIL) == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
