package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/scamguard/scamguard/eval"
)

func runEval(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("eval", stderr)
	asJSON := fs.Bool("json", false, "print the reports as JSON")
	errorsPerFile := fs.Int("errors", 0, "also list up to N missed scams and false alarms per file")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return 2
	}
	if len(files) == 0 {
		fmt.Fprintln(stderr, "scamguard eval: give at least one corpus file (JSON Lines)")
		return 2
	}
	e, err := newEngine()
	if err != nil {
		fmt.Fprintf(stderr, "scamguard eval: %v\n", err)
		return 1
	}
	reports, err := eval.Run(context.Background(), e.classifier, files)
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
