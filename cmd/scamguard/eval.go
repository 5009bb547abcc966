package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"text/tabwriter"

	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/eval"
	"github.com/scamguard/scamguard/llm"
)

// evalOutput is one report of `eval --json`: the heuristic measures and,
// under "llm", the LLM stage's share.
type evalOutput struct {
	eval.Report
	LLM llmReport `json:"llm"`
}

func runEval(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("eval", stderr)
	asJSON := fs.Bool("json", false, "print the reports as JSON")
	errorsPerFile := fs.Int("errors", 0, "also list up to N missed scams and false alarms per file")
	signalsFile := fs.String("signals", "", "use this signals file instead of the embedded one (for tuning)")
	noLLM := fs.Bool("no-llm", false, "heuristics only, even when an LLM is configured ("+llm.EnvAPIKey+", "+llm.EnvBaseURL+")")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return 2
	}
	if len(files) == 0 {
		fmt.Fprintln(stderr, "scamguard eval: give at least one corpus file (JSON Lines)")
		return 2
	}
	e, c, err := evalClassifier(*signalsFile)
	if err != nil {
		fmt.Fprintf(stderr, "scamguard eval: %v\n", err)
		return 2
	}
	judge, err := e.newJudge("eval", *noLLM, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "scamguard eval: %v\n", err)
		return 2
	}
	ctx := context.Background()
	reports, err := eval.Run(ctx, c, files)
	if err != nil {
		fmt.Fprintf(stderr, "scamguard eval: %v\n", err)
		return 2
	}
	llmReports := make([]llmReport, 0, len(files)+1)
	total := llmReport{}
	for _, path := range files {
		rep, err := evalLLM(ctx, c, judge, path)
		if err != nil {
			fmt.Fprintf(stderr, "scamguard eval: %v\n", err)
			return 2
		}
		total.add(&rep)
		llmReports = append(llmReports, rep)
	}
	total.GreyLow, total.GreyHigh = judge.Config().GreyLow, judge.Config().GreyHigh
	total.finish(judge.Enabled())
	llmReports = append(llmReports, total)

	if *asJSON {
		out := make([]evalOutput, len(reports))
		for i := range reports {
			out[i] = evalOutput{Report: reports[i], LLM: llmReports[i]}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return 1
		}
	} else {
		if err := eval.WriteTable(stdout, reports); err != nil {
			return 1
		}
		if err := writeLLMTable(stdout, files, llmReports, judge.Enabled()); err != nil {
			return 1
		}
	}
	if *errorsPerFile > 0 {
		eval.WriteErrors(stdout, reports[:len(reports)-1], *errorsPerFile)
	}
	return 0
}

// writeLLMTable prints the LLM stage's share per file: the rate of
// messages and conversations that reach it, and with a model its effect.
func writeLLMTable(w io.Writer, files []string, reports []llmReport, withLLM bool) error {
	last := reports[len(reports)-1]
	fmt.Fprintf(w, "\nLLM grey zone [%.2f, %.2f): %d of %d messages reach the LLM (%s), %d of %d conversations (%s)\n",
		last.GreyLow, last.GreyHigh, last.MessagesToLLM, last.Messages, pct(last.MessageRate),
		last.ConversationsToLLM, last.Conversations, pct(last.ConversationRate))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	header := "file\tmessages\tto LLM\tmsg rate\tconv\tto LLM\tconv rate\t"
	if withLLM {
		header += "calls\tcached\tfailed\trecall+LLM\tFP+LLM\t"
	}
	fmt.Fprintln(tw, header)
	for i, r := range reports {
		name := "all"
		if i < len(files) {
			name = filepath.Base(files[i])
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%d\t%d\t%s\t", name, r.Messages, r.MessagesToLLM, pct(r.MessageRate),
			r.Conversations, r.ConversationsToLLM, pct(r.ConversationRate))
		if withLLM {
			fmt.Fprintf(tw, "%d\t%d\t%d\t%s\t%s\t", r.Calls, r.Cached, r.Failed, pct(r.Recall), pct(r.FalseAlarm))
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}

func pct(x *float64) string {
	if x == nil {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", *x*100)
}

// evalClassifier is the embedded classifier, or one built from another
// signals file when tuning, with the engine it came from.
func evalClassifier(signalsFile string) (*engine, *classifier.Classifier, error) {
	e, err := newEngine()
	if err != nil {
		return nil, nil, err
	}
	if signalsFile == "" {
		return e, e.classifier, nil
	}
	data, err := os.ReadFile(signalsFile)
	if err != nil {
		return nil, nil, err
	}
	set, err := classifier.LoadSignals(data)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", signalsFile, err)
	}
	c, err := classifier.New(set, e.brands)
	return e, c, err
}
