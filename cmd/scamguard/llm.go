package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/detect"
	"github.com/scamguard/scamguard/llm"
)

// heuristicsOnly is what check, eval and bot say once at start when no
// LLM is configured.
const heuristicsOnly = "no " + llm.EnvAPIKey + " or " + llm.EnvBaseURL + ": heuristics only (the LLM stage is off)"

// newPipeline builds the detection pipeline of check and eval: the same
// stages as the bot's (detect.Standard), without a review store (the CLI
// has no Redis, so the fingerprint stage reports skipped) and with the LLM
// stage from the environment (newJudge). It sets e.judge and e.pipeline.
func (e *engine) newPipeline(c *classifier.Classifier, command string, disabled bool, stderr io.Writer) error {
	judge, err := e.newJudge(command, disabled, stderr)
	if err != nil {
		return err
	}
	e.judge, e.pipeline = judge, detect.Standard(c, nil, judge)
	return nil
}

// newJudge builds the LLM stage of check and eval from the environment,
// with an in-process cache and budget. With --no-llm it is off silently;
// with no key and no base URL it is off and says so once on stderr, as
// the work starts (check builds the judge once its input is known to be
// usable, so that an unusable input gets its one-line error alone). eval
// lifts the hourly caps: scoring a corpus is one deliberate run.
func (e *engine) newJudge(command string, disabled bool, stderr io.Writer) (*llm.Judge, error) {
	opts, err := envSettings(llmOptions, os.Getenv)
	if err != nil {
		return nil, err
	}
	cfg := opts.llm
	if command == "eval" {
		cfg.UserPerHour, cfg.GlobalPerHour = 0, 0
	}
	if disabled {
		cfg.APIKey, cfg.BaseURL = "", ""
	} else if !cfg.Configured() {
		fmt.Fprintf(stderr, "scamguard %s: %s\n", command, heuristicsOnly)
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	return llm.New(cfg, e.catalog, nil, nil, log)
}
