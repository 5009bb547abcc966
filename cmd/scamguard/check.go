package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"

	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/detect"
	"github.com/scamguard/scamguard/llm"
	"github.com/scamguard/scamguard/reply"
	"github.com/scamguard/scamguard/transcript"
)

// checkOutput is the --json contract of `scamguard check` (one line per
// conversation with --batch, plus the id).
type checkOutput struct {
	ID      json.RawMessage  `json:"id,omitempty"`
	Verdict classifier.Level `json:"verdict"`
	Score   float64          `json:"score"`
	Type    string           `json:"type"`
	Stage   string           `json:"stage"`
	// Frame is how the conversation presents the script: live, retold,
	// warning or question.
	Frame           classifier.Frame `json:"frame"`
	Brand           string           `json:"brand"`
	FirstAlertIndex *int             `json:"first_alert_index"`
	Signals         []signalOutput   `json:"signals"`
	Verify          []verifyOutput   `json:"verify"`
	Warning         string           `json:"warning"`
	Engines         []string         `json:"engines"`
	// Explanation is the LLM stage's sentence, when it gave one; LLM says
	// what the stage did (answered, cached, skipped, failed, ...) when it
	// is configured.
	Explanation string `json:"explanation,omitempty"`
	LLM         string `json:"llm,omitempty"`
}

type signalOutput struct {
	ID           string `json:"id"`
	MessageIndex int    `json:"message_index"`
	Match        string `json:"match"`
	// Role and Act say how the match counted: "negated" marks a phrase the
	// other party warned against, which counts for the conversation.
	Role string `json:"role"`
	Act  string `json:"act"`
}

type verifyOutput struct {
	Kind  string `json:"kind"`
	Value string `json:"value"`
	Note  string `json:"note"`
}

type checkOptions struct {
	asJSON    bool
	batch     bool
	lang      string
	region    string
	noLLM     bool
	showTurns bool
}

func runCheck(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("check", stderr)
	var opts checkOptions
	fs.BoolVar(&opts.asJSON, "json", false, "print one JSON object instead of the reply")
	fs.BoolVar(&opts.batch, "batch", false, "read JSON Lines ({\"id\":..,\"messages\":[..]} per line), write JSON Lines")
	fs.StringVar(&opts.lang, "lang", "auto", "reply language: auto, zh, zh-Hant or en")
	fs.StringVar(&opts.region, "region", "", "the user's region (CN, HK, TW, SG, GB, US, AU) for the anti-fraud line")
	fs.BoolVar(&opts.showTurns, "show-turns", false, "print the turns read (from a screenshot, audio or text), with their speakers, before the verdict")
	fs.BoolVar(&opts.noLLM, "no-llm", false, "heuristics only, even when an LLM is configured ("+llm.EnvAPIKey+", "+llm.EnvBaseURL+")")
	positional, err := parseInterspersed(fs, args)
	if err != nil {
		return 2
	}
	if len(positional) > 1 {
		fmt.Fprintln(stderr, "scamguard check: give one FILE, or - (or nothing) for stdin")
		return 2
	}
	switch opts.lang {
	case "auto", "zh", "zh-Hant", "en":
	default:
		fmt.Fprintf(stderr, "scamguard check: --lang must be auto, zh, zh-Hant or en, not %q\n", opts.lang)
		return 2
	}
	input := stdin
	name := "stdin"
	if len(positional) == 1 && positional[0] != "-" {
		f, err := os.Open(positional[0])
		if err != nil {
			fmt.Fprintf(stderr, "scamguard check: %v\n", err)
			return 2
		}
		defer f.Close()
		input, name = f, positional[0]
	}
	e, err := newEngine()
	if err != nil {
		fmt.Fprintf(stderr, "scamguard check: %v\n", err)
		return 1
	}
	if opts.batch {
		if err := e.newPipeline(e.classifier, "check", opts.noLLM, stderr); err != nil {
			fmt.Fprintf(stderr, "scamguard check: %v\n", err)
			return 2
		}
		return checkBatch(e, opts, input, name, stdout, stderr)
	}
	data, err := io.ReadAll(io.LimitReader(input, transcript.MaxInputBytes+1))
	if err != nil {
		fmt.Fprintf(stderr, "scamguard check: read %s: %v\n", name, err)
		return 2
	}
	conv, lead, err := e.readInput(name, data, opts.lang)
	if err != nil {
		fmt.Fprintf(stderr, "scamguard check: %s: %v\n", name, err)
		return 2
	}
	// Built once the input is known to be usable, so that an unusable
	// input gets its one-line error and nothing else.
	if err := e.newPipeline(e.classifier, "check", opts.noLLM, stderr); err != nil {
		fmt.Fprintf(stderr, "scamguard check: %v\n", err)
		return 2
	}
	if opts.showTurns {
		printTurns(stdout, e.classifier, conv)
	}
	out := e.check(conv, opts)
	if opts.asJSON {
		if err := json.NewEncoder(stdout).Encode(out); err != nil {
			return 1
		}
		return 0
	}
	if lead != "" {
		fmt.Fprintln(stdout, lead)
	}
	fmt.Fprintln(stdout, out.Warning)
	return 0
}

// readInput reads one conversation from a screenshot, a recording or text
// (by content); lead is what a screenshot showed, said before the reply.
func (e *engine) readInput(name string, data []byte, lang string) (conv classifier.Conversation, lead string, err error) {
	switch sniffMedia(data) {
	case mediaImage:
		reading, err := e.media.readImages([][]byte{data})
		if err != nil {
			return conv, "", err
		}
		lead, _ = reading.Summary(lang)
		return reading.Conversation(), lead, nil
	case mediaAudio:
		conv, err = readAudio(name, data)
		return conv, "", err
	}
	conv, err = transcript.Parse(data)
	return conv, "", err
}

// batchChunk is how many lines are handled in parallel before their
// results are written, in input order.
const batchChunk = 1024

// checkBatch classifies JSON Lines, one conversation per line, in order.
// A chunk of lines is parsed, classified and encoded on all cores, then
// written in input order, so memory stays bounded by the chunk. The first
// malformed line stops the batch after the lines before it are written.
func checkBatch(e *engine, opts checkOptions, input io.Reader, name string, stdout, stderr io.Writer) int {
	reader := bufio.NewReaderSize(input, 1<<20)
	writer := bufio.NewWriterSize(stdout, 1<<20)
	defer writer.Flush()

	type job struct {
		line int
		data []byte
		out  []byte
		err  error
	}
	jobs := make([]job, 0, batchChunk)
	// process handles the chunk and writes it; it returns the exit code
	// to stop with, or -1 to go on.
	process := func() int {
		var wg sync.WaitGroup
		next := make(chan int)
		for w := 0; w < runtime.GOMAXPROCS(0); w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					jobs[i].out, jobs[i].err = e.checkLine(jobs[i].data, opts)
				}
			}()
		}
		for i := range jobs {
			next <- i
		}
		close(next)
		wg.Wait()
		for _, j := range jobs {
			if j.err != nil {
				writer.Flush()
				fmt.Fprintf(stderr, "scamguard check: %s line %d: %v\n", name, j.line, j.err)
				return 2
			}
			if _, err := writer.Write(j.out); err != nil {
				return 1
			}
		}
		jobs = jobs[:0]
		return -1
	}
	for line := 1; ; line++ {
		data, err := readLine(reader, transcript.MaxInputBytes)
		if len(data) > 0 {
			jobs = append(jobs, job{line: line, data: data})
		}
		if err != nil && !errors.Is(err, io.EOF) {
			jobs = append(jobs, job{line: line, err: err})
		}
		if len(jobs) >= batchChunk || err != nil {
			if code := process(); code >= 0 {
				return code
			}
		}
		if err != nil {
			return 0
		}
	}
}

// checkLine parses, classifies and encodes one line of a batch.
func (e *engine) checkLine(data []byte, opts checkOptions) ([]byte, error) {
	var id json.RawMessage
	var conv classifier.Conversation
	var err error
	if line, ok := batchImages(data); ok {
		id = line.ID
		conv, err = e.media.readImageFiles(line.Images)
	} else {
		id, conv, err = transcript.ParseBatchLine(data)
	}
	if err != nil {
		return nil, err
	}
	out := e.check(conv, opts)
	out.ID = id
	encoded, err := json.Marshal(out)
	if err != nil {
		return nil, err
	}
	return append(encoded, '\n'), nil
}

// readLine reads one line without its newline, refusing lines over limit.
func readLine(r *bufio.Reader, limit int) ([]byte, error) {
	var line []byte
	for {
		chunk, err := r.ReadSlice('\n')
		line = append(line, chunk...)
		if len(line) > limit {
			return nil, fmt.Errorf("line longer than %d bytes", limit)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return bytes.TrimRight(line, "\r\n \t"), err
	}
}

// check runs one conversation through the pipeline (the bot's stages) and
// renders the reply.
func (e *engine) check(conv classifier.Conversation, opts checkOptions) checkOutput {
	res := e.pipeline.Run(context.Background(), detect.Request{Messages: conv.Messages, Lang: opts.lang, Region: opts.region, User: "cli"})
	v := res.Verdict
	stage := ""
	if e.judge.Enabled() {
		rec, _ := res.Stage(detect.NameLLM)
		stage = rec.Detail
	}
	r := e.replies.Render(v, reply.Options{Lang: opts.lang, Region: opts.region})
	out := checkOutput{
		Verdict: v.Level,
		Score:   v.Score,
		Type:    v.Type,
		Stage:   v.Stage,
		Frame:   v.Frame,
		Brand:   v.Brand,
		Engines: v.Engines,
		Signals: []signalOutput{},
		Verify:  []verifyOutput{},
		Warning: r.Text,

		Explanation: v.Explanation,
		LLM:         stage,
	}
	if v.FirstAlertIndex >= 0 {
		first := v.FirstAlertIndex
		out.FirstAlertIndex = &first
	}
	for _, h := range v.Signals {
		out.Signals = append(out.Signals, signalOutput{ID: h.Signal, MessageIndex: h.MessageIndex, Match: h.Match, Role: string(h.Role), Act: string(h.Act)})
	}
	for _, item := range r.Verify {
		out.Verify = append(out.Verify, verifyOutput{Kind: item.Kind, Value: item.Value, Note: item.Note})
	}
	return out
}
