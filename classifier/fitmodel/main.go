// Command fitmodel fits the classifier's word model (classifier/model.go)
// on labelled conversations (JSON Lines: {"id", "label", "messages":
// [{"from", "text"}]}) and writes model.bin and its provenance, model.txt.
//
//	go run ./classifier/fitmodel -out classifier/model.bin -info classifier/model.txt FILE...
//
// With -teller it fits the teller model (classifier/teller.go) instead: on
// the conversations told alone only, with the engine's flags beside the
// words and weights of either sign.
//
//	go run ./classifier/fitmodel -teller -out classifier/teller.bin -info classifier/teller.txt FILE...
//
// The fit is deterministic: the same files in the same order give the same
// bytes. With -folds K it first reports K-fold cross-validated figures
// (-teller: each file held out in turn, since each file is one writer's).
package main

import (
	"bufio"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/scamguard/scamguard/catalog"
	"github.com/scamguard/scamguard/classifier"
)

// Fitting parameters: AdaGrad on the logistic loss with a little L2, a few
// passes in a seeded order.
const (
	l2 = 1e-6
	// minConversations drops words seen in fewer conversations: a name or
	// a typo seen once says nothing about the next conversation.
	minConversations = 2
)

// params are what differs between the two models' fits.
type params struct {
	epochs int
	rate   float64
	// signed lets a weight fall below 0 (the teller model only: no other
	// party speaks in what it judges).
	signed bool
}

var (
	wordParams = params{epochs: 6, rate: 0.5}
	// The teller model's data are a fifth of the word model's and every
	// word may pull either way: smaller, longer steps generalised better
	// to writers held out (0.05 × 15: 83% of scams at 0.3% of honest
	// conversations, against 70% at 0.5 × 6).
	tellerParams = params{epochs: 15, rate: 0.05, signed: true}
)

type item struct {
	ID       string `json:"id"`
	Label    string `json:"label"`
	Messages []struct {
		From string `json:"from"`
		Text string `json:"text"`
	} `json:"messages"`
}

// feature is a word's hash and how often the conversation uses it.
type feature struct {
	h uint32
	v float64
}

type example struct {
	id   string
	file int       // which file it came from (the teller's cross-validation folds)
	x    []feature // in increasing hash order, so that sums are reproducible
	y    float64
}

func main() {
	out := flag.String("out", "", "model.bin to write")
	info := flag.String("info", "", "model.txt to write (provenance and figures)")
	folds := flag.Int("folds", 0, "report K-fold cross-validated figures first (0: none; -teller: by file, any K > 1)")
	teller := flag.Bool("teller", false, "fit the teller model: conversations told alone, signed weights")
	cvOut := flag.String("cvout", "", "with -folds: write each conversation's held-out probability here (id label p), for choosing thresholds")
	flag.Parse()
	if *out == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: fitmodel -out model.bin [-info model.txt] [-folds K] FILE...")
		os.Exit(2)
	}
	if err := run(*out, *info, *folds, *teller, *cvOut, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "fitmodel:", err)
		os.Exit(1)
	}
}

func run(out, info string, folds int, teller bool, cvOut string, files []string) error {
	c, err := classifier.Default(catalog.MustLoad().ImpersonableBrands())
	if err != nil {
		return err
	}
	var data []example
	var provenance []string
	for i, f := range files {
		examples, sum, err := load(c, f, i, teller)
		if err != nil {
			return err
		}
		scams := 0
		for _, e := range examples {
			scams += int(e.y)
		}
		provenance = append(provenance, fmt.Sprintf("%s  %d conversations (%d scams)  sha256 %s", filepath.Base(f), len(examples), scams, sum[:16]))
		data = append(data, examples...)
	}
	var report []string
	if folds > 1 {
		var probs []float64
		report, probs = crossValidate(data, folds, teller)
		if cvOut != "" {
			var b strings.Builder
			for i, e := range data {
				fmt.Fprintf(&b, "%s %g %.5f\n", e.id, e.y, probs[i])
			}
			if err := os.WriteFile(cvOut, []byte(b.String()), 0o644); err != nil {
				return err
			}
		}
		for _, line := range report {
			fmt.Println(line)
		}
	}
	p := wordParams
	if teller {
		p = tellerParams
	}
	model, hashes := fit(data, p)
	bin := classifier.EncodeModel(model, hashes)
	if err := os.WriteFile(out, bin, 0o644); err != nil {
		return err
	}
	if info == "" {
		return nil
	}
	var b strings.Builder
	if teller {
		fmt.Fprintf(&b, "# The teller model (classifier/teller.go), fitted by classifier/fitmodel\n\n")
		fmt.Fprintf(&b, "command: go run ./classifier/fitmodel -teller -out classifier/teller.bin -info classifier/teller.txt -folds %d FILE...\n", folds)
		fmt.Fprintf(&b, "fit: conversations told alone only; words and the engine's flags; weights of either sign\n")
	} else {
		fmt.Fprintf(&b, "# The word model (classifier/model.go), fitted by classifier/fitmodel\n\n")
		fmt.Fprintf(&b, "command: go run ./classifier/fitmodel -out classifier/model.bin -info classifier/model.txt -folds %d FILE...\n", folds)
	}
	fmt.Fprintf(&b, "fit: logistic regression, AdaGrad, %d epochs, rate %g, L2 %g, words seen in >= %d conversations\n", p.epochs, p.rate, l2, minConversations)
	fmt.Fprintf(&b, "model: bias %.4f, %d weights, %d bytes (%s sha256 %s)\n\n", model.Bias, countKept(bin), len(bin), filepath.Base(out), digest(bin)[:16])
	fmt.Fprintf(&b, "data (in this order):\n")
	for _, p := range provenance {
		fmt.Fprintf(&b, "  %s\n", p)
	}
	if len(report) > 0 {
		if teller {
			fmt.Fprintf(&b, "\ncross-validation (each file held out in turn):\n")
		} else {
			fmt.Fprintf(&b, "\ncross-validation (%d folds by id):\n", folds)
		}
		for _, line := range report {
			fmt.Fprintf(&b, "  %s\n", line)
		}
	}
	return os.WriteFile(info, []byte(b.String()), 0o644)
}

func countKept(bin []byte) int {
	m, err := classifier.DecodeModel(bin)
	if err != nil {
		return -1
	}
	return len(m.Weights)
}

func digest(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// load reads one file's conversations as examples: all of them, or for the
// teller model those told alone, with the engine's flags as features.
func load(c *classifier.Classifier, path string, file int, teller bool) ([]example, string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, "", err
	}
	var out []example
	sc := bufio.NewScanner(strings.NewReader(string(raw)))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for line := 1; sc.Scan(); line++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var it item
		if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
			return nil, "", fmt.Errorf("%s:%d: %w", path, line, err)
		}
		var conv classifier.Conversation
		for _, m := range it.Messages {
			from := classifier.SpeakerOther
			if m.From == "user" {
				from = classifier.SpeakerUser
			}
			conv.Messages = append(conv.Messages, classifier.Message{From: from, Text: m.Text})
		}
		var counts map[uint32]float64
		if teller {
			words, state := c.ToldAlone(conv)
			if state.OtherSpoke {
				continue
			}
			counts = words
			classifier.TellerFlags(state, func(h uint32) { counts[h]++ })
		} else {
			counts = c.WordFeatures(conv)
		}
		x := make([]feature, 0, len(counts))
		for h, n := range counts {
			x = append(x, feature{h, n})
		}
		slices.SortFunc(x, func(a, b feature) int { return cmp.Compare(a.h, b.h) })
		y := 0.0
		if it.Label == "scam" {
			y = 1
		}
		out = append(out, example{id: it.ID, file: file, x: x, y: y})
	}
	return out, digest(raw), sc.Err()
}

// fit fits the model on data; hashes are the kept features in increasing order.
func fit(data []example, p params) (*classifier.WordModel, []uint32) {
	seen := map[uint32]int{}
	for _, e := range data {
		for _, f := range e.x {
			seen[f.h]++
		}
	}
	w := map[uint32]float64{}
	g2 := map[uint32]float64{}
	var bias, biasG2 float64
	order := make([]int, len(data))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range p.epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			e := data[i]
			z := bias
			for _, f := range e.x {
				if seen[f.h] >= minConversations {
					z += w[f.h] * f.v
				}
			}
			g := 1/(1+math.Exp(-z)) - e.y
			for _, f := range e.x {
				if seen[f.h] < minConversations {
					continue
				}
				gr := g*f.v + l2*w[f.h]
				g2[f.h] += gr * gr
				w[f.h] -= p.rate * gr / math.Sqrt(g2[f.h]+1e-8)
				if !p.signed {
					// A word only ever adds evidence: no word can talk a
					// verdict down (model.go).
					w[f.h] = max(0, w[f.h])
				}
			}
			biasG2 += g * g
			bias -= p.rate * g / math.Sqrt(biasG2+1e-8)
		}
	}
	m := &classifier.WordModel{Bias: bias, Weights: make(map[uint32]float32, len(w))}
	hashes := make([]uint32, 0, len(w))
	for h, v := range w {
		m.Weights[h] = float32(v)
		hashes = append(hashes, h)
	}
	slices.Sort(hashes)
	return m, hashes
}

// crossValidate reports (and returns) the AUC and the share of scams and honest
// conversations above each of the model's thresholds, each conversation
// scored by the model fitted without its fold.
func crossValidate(data []example, k int, teller bool) ([]string, []float64) {
	fold := func(e example) int {
		s := sha256.Sum256([]byte(e.id))
		return int(s[0]) % k
	}
	p, thresholds := wordParams, []float64{classifier.ModelScamAt, classifier.ModelSuspiciousAt}
	if teller {
		// Each file is one writer's: holding files out measures a writer
		// never seen, as the next user is.
		fold = func(e example) int { return e.file }
		k = 0
		for _, e := range data {
			k = max(k, e.file+1)
		}
		p, thresholds = tellerParams, []float64{classifier.TellerSuspiciousAt, classifier.TellerScamAt}
	}
	probs := make([]float64, len(data))
	for f := 0; f < k; f++ {
		var train []example
		for _, e := range data {
			if fold(e) != f {
				train = append(train, e)
			}
		}
		m, _ := fit(train, p)
		for i, e := range data {
			if fold(e) != f {
				continue
			}
			z := m.Bias
			for _, f := range e.x {
				z += float64(m.Weights[f.h]) * f.v
			}
			probs[i] = 1 / (1 + math.Exp(-z))
		}
	}
	var lines []string
	lines = append(lines, fmt.Sprintf("AUC %.3f over %d conversations", auc(data, probs), len(data)))
	for _, at := range thresholds {
		var scams, scamsAbove, honest, honestAbove int
		for i, e := range data {
			if e.y == 1 {
				scams++
				if probs[i] >= at {
					scamsAbove++
				}
			} else {
				honest++
				if probs[i] >= at {
					honestAbove++
				}
			}
		}
		lines = append(lines, fmt.Sprintf("p >= %.2f: %.1f%% of %d scams, %.1f%% of %d honest", at, pct(scamsAbove, scams), scams, pct(honestAbove, honest), honest))
	}
	return lines, probs
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

func auc(data []example, probs []float64) float64 {
	idx := make([]int, len(data))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return probs[idx[a]] < probs[idx[b]] })
	var rankSum, pos, neg float64
	for r, i := range idx {
		if data[i].y == 1 {
			rankSum += float64(r + 1)
			pos++
		} else {
			neg++
		}
	}
	if pos == 0 || neg == 0 {
		return math.NaN()
	}
	return (rankSum - pos*(pos+1)/2) / (pos * neg)
}
