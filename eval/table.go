package eval

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteTable prints the reports as a table for people.
func WriteTable(w io.Writer, reports []Report) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "file\titems\tscam\tlegit\trecall\tat scam\tFP any\tFP scam\tprecision\tF1\tearly\tframe\tconv/s\tmsg/s\t")
	for _, r := range reports {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.0f\t%.0f\t\n",
			r.File, r.Items, r.Scams, r.Legit, pct(r.Recall), pct(r.ScamRecall), pct(r.FalseAlarm), pct(r.FalseAlarmHit),
			pct(r.Precision), pct(r.F1), pct(r.EarlyRate), pct(r.FrameRate), r.ConversationsPerS, r.MessagesPerS)
	}
	return tw.Flush()
}

func pct(x *float64) string {
	if x == nil {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", *x*100)
}

// WriteErrors lists up to limit misses and false alarms per report, with the
// signals behind each verdict, for tuning.
func WriteErrors(w io.Writer, reports []Report, limit int) {
	for _, r := range reports {
		for _, group := range []struct {
			name    string
			results []Result
		}{{"missed scam", r.Misses}, {"false alarm", r.FalseAlarms}} {
			for i, res := range group.results {
				if i == limit {
					break
				}
				var sigs []string
				for _, h := range res.Verdict.Signals {
					sigs = append(sigs, fmt.Sprintf("%s@%d%s[%s]", h.Signal, h.MessageIndex, actMark(string(h.Act)), h.Match))
				}
				fmt.Fprintf(w, "%s %s %s (%s) score=%.2f %s\n", r.File, group.name, res.Item.ID, res.Item.Type, res.Verdict.Score, strings.Join(sigs, " "))
			}
		}
	}
}

func actMark(act string) string {
	if act == "negated" {
		return "!"
	}
	return ""
}

// WriteStages prints what each stage did, per report: how many verdicts it
// raised, lowered or kept, how many it skipped or failed on, and its calls
// to an outside service (the LLM) per conversation.
func WriteStages(w io.Writer, reports []Report) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "file\tstage\traised\tlowered\tkept\tskipped\tfailed\tcalls\tcall rate\t")
	for _, r := range reports {
		for _, s := range r.Stages {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%s\t\n",
				r.File, s.Name, s.Raised, s.Lowered, s.Kept, s.Skipped, s.Failed, s.Calls, pct(s.CallRate))
		}
	}
	return tw.Flush()
}
