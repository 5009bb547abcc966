package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/scamguard/scamguard/classifier"

	"github.com/scamguard/scamguard/eval"
)

func runEval(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("eval", stderr)
	asJSON := fs.Bool("json", false, "print the reports as JSON")
	errorsPerFile := fs.Int("errors", 0, "also list up to N missed scams and false alarms per file")
	signalsFile := fs.String("signals", "", "use this signals file instead of the embedded one (for tuning)")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return 2
	}
	if len(files) == 0 {
		fmt.Fprintln(stderr, "scamguard eval: give at least one corpus file (JSON Lines)")
		return 2
	}
	c, err := evalClassifier(*signalsFile)
	if err != nil {
		fmt.Fprintf(stderr, "scamguard eval: %v\n", err)
		return 2
	}
	reports, err := eval.Run(context.Background(), c, files)
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
	} else if err := eval.WriteTable(stdout, reports); err != nil {
		return 1
	}
	if *errorsPerFile > 0 {
		eval.WriteErrors(stdout, reports[:len(reports)-1], *errorsPerFile)
	}
	return 0
}

// evalClassifier is the embedded classifier, or one built from another
// signals file when tuning.
func evalClassifier(signalsFile string) (*classifier.Classifier, error) {
	e, err := newEngine()
	if err != nil {
		return nil, err
	}
	if signalsFile == "" {
		return e.classifier, nil
	}
	data, err := os.ReadFile(signalsFile)
	if err != nil {
		return nil, err
	}
	set, err := classifier.LoadSignals(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", signalsFile, err)
	}
	return classifier.New(set, e.brands)
}
