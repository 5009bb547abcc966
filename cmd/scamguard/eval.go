package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/eval"
	"github.com/scamguard/scamguard/llm"
)

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
	if err := e.newPipeline(c, "eval", *noLLM, stderr); err != nil {
		fmt.Fprintf(stderr, "scamguard eval: %v\n", err)
		return 2
	}
	workers := 0 // one per core
	if e.judge.Enabled() {
		workers = 8 // calls wait on the network, not the CPU
	}
	reports, err := eval.Run(context.Background(), e.pipeline, files, workers)
	if err != nil {
		fmt.Fprintf(stderr, "scamguard eval: %v\n", err)
		return 2
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(reports); err != nil {
			return 1
		}
	} else {
		if err := eval.WriteTable(stdout, reports); err != nil {
			return 1
		}
		fmt.Fprintln(stdout, "\nWhat each stage did to the verdicts (calls: requests to the LLM, per conversation):")
		if err := eval.WriteStages(stdout, reports); err != nil {
			return 1
		}
	}
	if *errorsPerFile > 0 {
		eval.WriteErrors(stdout, reports[:len(reports)-1], *errorsPerFile)
	}
	return 0
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
	if err != nil {
		return nil, nil, err
	}
	model, err := classifier.EmbeddedModel()
	if err != nil {
		return nil, nil, err
	}
	teller, err := classifier.EmbeddedTeller()
	return e, c.WithModel(model).WithTeller(teller), err
}
