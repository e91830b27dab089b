package completion

import (
	"bytes"
	"fmt"
	"strings"
)

// powershell writes a native-command argument completer: the tree as a table of hashtables keyed by
// command path, and one script block that walks the words before the cursor through it. Flag names are
// compared case-sensitively (-t and -T are different flags), which PowerShell's hashtables are not, so
// flags live in arrays.
func powershell(b *bytes.Buffer, root Command) {
	header(b, "#", "powershell", root.Name)
	fmt.Fprintf(b, "# Load it from your profile: %s completion powershell | Out-String | Invoke-Expression\n\n", root.Name)
	fmt.Fprintf(b, "Register-ArgumentCompleter -Native -CommandName %s -ScriptBlock {\n", psQuote(root.Name))
	b.WriteString("    param($wordToComplete, $commandAst, $cursorPosition)\n\n")
	b.WriteString("    # Each command by its path: its subcommands, its flags (names without dashes) and what its\n")
	b.WriteString("    # arguments can be. Paths is 'files', 'dirs' or empty.\n")
	b.WriteString("    $commands = @{\n")
	for _, n := range nodes(root) {
		fmt.Fprintf(b, "        %s = @{\n", psQuote(n.path))
		b.WriteString("            Commands = @(\n")
		for _, sub := range n.Commands {
			fmt.Fprintf(b, "                @{ Name = %s; Aliases = %s; Usage = %s }\n", psQuote(sub.Name), psList(sub.Aliases), psQuote(oneLine(sub.Usage)))
		}
		b.WriteString("            )\n            Flags = @(\n")
		for _, f := range n.Flags {
			fmt.Fprintf(b, "                @{ Names = %s; Usage = %s; TakesValue = %s; Words = %s; Paths = %s%s }\n",
				psList(f.Names), psQuote(oneLine(f.Usage)), psBool(f.TakesValue), psList(f.Values.Words), psPaths(f.Values.Paths), psListed(f.Values))
		}
		b.WriteString("            )\n")
		fmt.Fprintf(b, "            Args = @{ Words = %s; Paths = %s%s }\n", psList(n.Args.Words), psPaths(n.Args.Paths), psListed(n.Args))
		b.WriteString("        }\n")
	}
	b.WriteString("    }\n")
	b.WriteString(strings.ReplaceAll(psMain, "@ROOT@", psQuote(root.Name)))
	b.WriteString("}\n")
}

// psMain finds the command being completed and replies. An empty reply would make PowerShell offer
// file names, so where nothing fits and the value is not a path, it replies with one empty string
// (as cobra's completions do).
const psMain = `
    $words = @($commandAst.CommandElements | Where-Object { $_.Extent.EndOffset -lt $cursorPosition } | ForEach-Object { $_.Extent.Text })
    $path = @ROOT@
    $valueOf = $null
    $dashDash = $false
    for ($i = 1; $i -lt $words.Count; $i++) {
        $w = $words[$i]
        if ($w -eq '--') {
            $dashDash = $true
            break
        }
        if ($w.StartsWith('-') -and $w.Length -gt 1) {
            $name = $w -replace '^--?', ''
            $flag = $commands[$path].Flags | Where-Object { $_.TakesValue -and $_.Names -ccontains $name } | Select-Object -First 1
            if ($flag -and -not $w.Contains('=')) {
                if ($i + 1 -eq $words.Count) { $valueOf = $flag }
                $i++
            }
            continue
        }
        $sub = $commands[$path].Commands | Where-Object { $_.Name -ceq $w -or $_.Aliases -ccontains $w } | Select-Object -First 1
        if ($sub) { $path = "$path $($sub.Name)" }
    }

    # The words a values table lists by running the program (profile names), first field of each line.
    function Get-Listed($values) {
        if (-not $values.Listed) { return @() }
        @(& @ROOT@ @($values.Listed) 2>$null | ForEach-Object { ($_ -split ' ')[0] } | Where-Object { $_ })
    }

    $spec = $commands[$path]
    $cur = $wordToComplete
    $prefix = ''
    $paths = ''
    # A choice is its text, its tooltip and its kind.
    $flagChoices = @(foreach ($f in $spec.Flags) {
        foreach ($n in $f.Names) {
            $dashed = if ($n.Length -eq 1) { "-$n" } else { "--$n" }
            , @($dashed, $f.Usage, 'ParameterName')
        }
    })
    if (-not $valueOf -and -not $dashDash -and $cur -match '^(--?[^=]+)=(.*)$') {
        $name = $Matches[1] -replace '^--?', ''
        $prefix = $Matches[1] + '='
        $cur = $Matches[2]
        $valueOf = $spec.Flags | Where-Object { $_.TakesValue -and $_.Names -ccontains $name } | Select-Object -First 1
        if (-not $valueOf) { return '' }
    }
    if ($valueOf) {
        $choices = @(foreach ($v in @($valueOf.Words) + @(Get-Listed $valueOf)) { , @($v, $valueOf.Usage, 'ParameterValue') })
        $paths = $valueOf.Paths
    } elseif ($cur.StartsWith('-') -and -not $dashDash) {
        $choices = $flagChoices
    } else {
        $choices = @(foreach ($c in $spec.Commands) { , @($c.Name, $c.Usage, 'ParameterValue') }) +
            @(foreach ($a in @($spec.Args.Words) + @(Get-Listed $spec.Args)) { , @($a, $a, 'ParameterValue') })
        $paths = $spec.Args.Paths
        # A command that takes no arguments offers its flags.
        if ($choices.Count -eq 0 -and $paths -eq '' -and -not $dashDash) { $choices = $flagChoices }
    }

    $results = @(foreach ($c in $choices) {
        if ($c[0].StartsWith($cur, [StringComparison]::Ordinal)) {
            $tip = if ($c[1]) { $c[1] } else { $c[0] }
            [System.Management.Automation.CompletionResult]::new($prefix + $c[0], $c[0], $c[2], $tip)
        }
    })
    if ($results.Count -gt 0) {
        $results
    } elseif ($paths -eq '') {
        ''
    }
`

// psQuote quotes s for PowerShell, which also takes the typographic single quotes as quotes.
func psQuote(s string) string {
	return "'" + strings.NewReplacer("'", "''", "\u2018", "\u2018\u2018", "\u2019", "\u2019\u2019",
		"\u201a", "\u201a\u201a", "\u201b", "\u201b\u201b").Replace(s) + "'"
}

func psList(ss []string) string {
	var q []string
	for _, s := range ss {
		q = append(q, psQuote(s))
	}
	return "@(" + strings.Join(q, ", ") + ")"
}

func psBool(v bool) string {
	if v {
		return "$true"
	}
	return "$false"
}

func psPaths(p Paths) string {
	return psQuote(map[Paths]string{Files: "files", Dirs: "dirs"}[p])
}

// psListed is the Listed entry of a values table, left out when there is nothing to list.
func psListed(v Values) string {
	if len(v.Listed) == 0 {
		return ""
	}
	return "; Listed = " + psList(v.Listed)
}
