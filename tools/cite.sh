#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# tools/cite.sh [--check] [PATH...]: make every "§N" citation in comments name a file
# that exists: doc/behaviour.md (the numbering of the old wg-quick spec) or
# doc/killswitch-netns.md (the kill switch and the namespace target). PATHs default to
# src and tests. Idempotent: a citation that already names one of the two files is kept.
#
# How a citation is decided, first match wins:
#   1. "behaviour.md §X" / "killswitch-netns.md §X": already done;
#   2. "killswitch-netns §X": the kill-switch file; "base §X": behaviour.md;
#   3. the section number alone: "§6 a" (a letter) and "§7.N" exist only in
#      behaviour.md, "§5.N" and "§6.N" only in killswitch-netns.md;
#   4. the table OVERRIDES below (reviewed by hand: file, a piece of the line, section);
#   5. "spec §X": behaviour.md, unless the file is about the kill switch or the
#      namespace target (see KS_FILES), where it is undecided when X exists in both;
#   6. a bare "§X" right after another citation in the same comment (same line, or the
#      comment line before): that citation's file, when X exists there;
#   7. the file: KS_FILES cite killswitch-netns.md, every other file behaviour.md.
# Step 7 on a KS file (other than KS_PURE) for a number that exists in both documents
# is reported as "guessed", and step 5's undecided cases as "undecided" (the citation is left alone):
# review them and add an OVERRIDES line. A citation whose section is not a heading of
# its document is an error. A bare "§X" that continues a list ("§2.1, §2.3",
# "§2.1–§2.3", "§3.9 step 5, §4.1") keeps no prefix when it cites the same file as the one before it.
#
# --check changes nothing and exits 1 when a file would change or a citation is
# undecided, guessed or names no heading.
set -eu
cd "$(dirname "$0")/.."
check=0
if [ "${1-}" = --check ]; then
	check=1
	shift
fi
[ $# -gt 0 ] || set -- src tests
files=$(grep -rlI '§' "$@" 2>/dev/null | sort || true)
[ -n "$files" ] || exit 0

# shellcheck disable=SC2086
exec perl -CSD -Mutf8 -e '
use strict;
use warnings;

my $check = shift @ARGV;
my %D = (B => "behaviour.md", K => "killswitch-netns.md");

# Headings of the two documents: "## 3. …", "### 3.9 …", "### 6 a. …".
my %head;
for my $d (keys %D) {
	open(my $f, "<", "doc/$D{$d}") or die "tools/cite.sh: doc/$D{$d}: $!\n";
	while (<$f>) {
		$head{$d}{$1} = 1 if /^#+ (\d+ [a-z](?=\.)|\d+(?:\.\d+)?)[. ]/;
	}
	close($f);
}

# Files about the kill switch or the namespace target.
my $KS_FILES = qr{(?:^|/)(?:firewall/killswitch[^/]*|tunnel/ks-tunnel[^/]*|tunnel/up-killswitch[^/]*|tunnel/up-netns[^/]*|system/netns[^/]*|cli/cmd-killswitch[^/]*|unit/test-killswitch\.c|unit/test-ks[^/]*|unit/test-netns\.c|netns/killswitch[^/]*|netns/netns-[^/]*|netns/ks-[^/]*)$};

# Files whose every citation is of killswitch-netns.md (reviewed): no "guessed" report.
my $KS_PURE = qr{(?:^|/)(?:firewall/killswitch[^/]*|tunnel/ks-tunnel[^/]*|cli/cmd-killswitch[^/]*|system/netns[^/]*|unit/test-killswitch\.c|unit/test-ks[^/]*)$};

# Reviewed by hand: [file suffix ("*": any file, for comments that may move), a piece of
# the line, section, document].
my @OVERRIDES = (
	["*", "src_valid_mark stays 1 after a rollback", "4.4", "B"],
	["tests/netns/killswitch-faults.sh", "K3 of spec", "6.2", "K"],
	["tests/netns/killswitch.sh", "The kill switch with real packets", "1", "K"],
	["tests/netns/killswitch.sh", "The kill switch with real packets", "4", "K"],
	["tests/netns/netns-target.sh", "Network-namespace target", "5", "K"],
	["tests/netns/netns-faults.sh", "lo is brought up", "5.4", "K"],
	["tests/netns/lib.sh", "named target", "5.5", "K"],
	["*", "the log of up from the link to the MTU step", "3.12", "B"],
	["*", "After PostDown, whatever its status", "4.2", "K"],
	["*", "install or raise, never lower", "4.2", "K"],
	["*", "its table routes through IF (spec §4.1 step 5)", "4.1", "B"],
	["*", "off and status: the target", "2.3", "K"],
	["*", "Print the §2.4 refusal", "2.4", "K"],
	["*", "nameservers with a PID or path target", "5.3", "K"],
	["*", "reload (§4.2): the same, but with skip_same", "4.2", "K"],
	["*", "the message after a failed or signalled up", "4.2", "K"],
	["src/tunnel/up.h", "kill switch", "2.2", "K"],
	["*", "no rules at all (a broken config", "2.3", "K"],
	["*", "Intact (§2.3) for ifname", "2.3", "K"],
	["src/firewall/killswitch-read.c", "2.3", "2.3", "K"],
	["tests/unit/test-killswitch.c", "A broken config", "2.3", "K"],
	["tests/unit/test-killswitch.c", "save writes the keys", "2.5", "K"],
	["tests/unit/test-killswitch.c", "(killswitch-netns §2, §3)", "3", "K"],
);

my (@undecided, @guessed, @bad, $changed);

sub exists_in { my ($d, $s) = @_; return $head{$d}{$s}; }

sub override {
	my ($path, $line, $sec) = @_;
	for my $o (@OVERRIDES) {
		return $o->[3] if ($o->[0] eq "*" ||
				   substr($path, -length($o->[0])) eq $o->[0]) &&
				  index($line, $o->[1]) >= 0 && $o->[2] eq $sec;
	}
	return undef;
}

my $TOKEN = qr{(?<pre>(?:behaviour\.md|killswitch-netns\.md|killswitch-netns|[Ss]pec|base) )?§(?<sec>\d+(?:\.\d+)?(?: [a-k](?![a-z]))?)};

for my $path (@ARGV) {
	open(my $f, "<", $path) or die "tools/cite.sh: $path: $!\n";
	my @lines = <$f>;
	close($f);
	my $ks = $path =~ $KS_FILES;
	my ($out, $ctx, $n) = ("", undef, 0);
	for my $line (@lines) {
		$n++;
		# A comment that goes on from the line before keeps its context.
		$ctx = undef unless $line =~ m{^\s*(?:\*|//|#)} && $line !~ m{^\s*/\*};
		my $res = "";
		my $pos = 0;
		my $prev;	# the document of the previous citation on this line
		while ($line =~ /$TOKEN/g) {
			my ($pre, $sec) = ($+{pre} // "", $+{sec});
			my ($s, $e) = ($-[0], $+[0]);
			my $before = substr($line, $pos, $s - $pos);
			my $major = $sec =~ /^(\d+)/ ? $1 : $sec;
			my ($d, $how) = (undef, "");
			if ($pre eq "behaviour.md ") { $d = "B"; }
			elsif ($pre eq "killswitch-netns.md ") { $d = "K"; }
			elsif ($pre eq "killswitch-netns ") { $d = "K"; }
			elsif ($pre eq "base ") { $d = "B"; }
			elsif ($sec =~ /^\d+ [a-k]$/ || $sec =~ /^7\.\d/) { $d = "B"; }
			elsif ($sec =~ /^[56]\.\d/) { $d = "K"; }
			if (!defined $d) {
				$d = override($path, $line, $sec);
			}
			if (!defined $d && lc($pre) eq "spec ") {
				if (!$ks || !exists_in("K", $sec)) { $d = "B"; }
				elsif (!exists_in("B", $sec)) { $d = "K"; }
				else { push @undecided, "$path:$n: spec §$sec"; }
			}
			my $c = $prev // $ctx;
			if (!defined $d && defined $c && exists_in($c, $sec)) { $d = $c; }
			if (!defined $d) {
				$d = $ks && exists_in("K", $sec) ? "K" : "B";
				push @guessed, "$path:$n: §$sec -> $D{$d}"
					if $ks && $path !~ $KS_PURE && exists_in("B", $sec) &&
					   exists_in("K", $sec);
			}
			if (!defined $d) {	# undecided: leave the text as it is
				$res .= $before . substr($line, $s, $e - $s);
				$pos = $e;
				next;
			}
			push @bad, "$path:$n: §$sec is not a heading of doc/$D{$d}"
				unless exists_in($d, $sec);
			my $cont = defined $prev && $prev eq $d && $pre eq "" &&
				   ($before =~ /^(?:, ?|–|-|\/| and | or )$/ ||
				    $before =~ /^ steps? [^§():;.]{0,16}(?:, | and )$/);
			$res .= $before . ($cont ? "" : "$D{$d} ") . "§$sec";
			$pos = $e;
			$prev = $d;
			$ctx = $d;
		}
		$res .= substr($line, $pos);
		$out .= $res;
	}
	my $old = join("", @lines);
	next if $out eq $old;
	$changed++;
	if ($check) {
		print STDERR "tools/cite.sh: $path would change\n";
		next;
	}
	open(my $w, ">", $path) or die "tools/cite.sh: $path: $!\n";
	print $w $out;
	close($w);
	print "rewrote $path\n";
}
print STDERR "undecided (left alone; add an OVERRIDES line):\n  ", join("\n  ", @undecided), "\n" if @undecided;
print STDERR "guessed from the file (review; add an OVERRIDES line if wrong):\n  ", join("\n  ", @guessed), "\n" if @guessed;
print STDERR "not a heading:\n  ", join("\n  ", @bad), "\n" if @bad;
exit(($check && $changed) || @undecided || @bad || ($check && @guessed) ? 1 : 0);
' "$check" $files
