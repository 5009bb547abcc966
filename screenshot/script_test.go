package screenshot

import (
	"strings"
	"testing"

	"github.com/scamguard/scamguard/ocr"
)

// reading is what one model gave: words "text/confidence" separated by
// spaces.
func reading(t *testing.T, words string) []ocr.Word {
	t.Helper()
	var out []ocr.Word
	for _, field := range strings.Fields(words) {
		text, conf, ok := strings.Cut(field, "/")
		if !ok {
			t.Fatalf("word %q has no confidence", field)
		}
		var c float64
		for _, d := range conf {
			c = c*10 + float64(d-'0')
		}
		out = append(out, ocr.Word{Text: text, Confidence: c})
	}
	return out
}

// The script decision on readings shaped like Tesseract's (confidences
// from the generated set): each model writes its own script, and the one
// of the picture's script is the surer where the scripts part.
func TestPageScript(t *testing.T) {
	tests := []struct {
		name                    string
		languages               string
		simplified, traditional string
		want                    string
	}{
		{"Traditional picture: chi_sim unsure of 這裡, 蝦, 掛",
			"chi_sim+eng,chi_tra+eng",
			"这/83 里/28 购/85 系统/97 显示/93 订单/96 误/93 设/91 为/97 会/96 们/93 请/96 电/60 银/93",
			"這/93 裡/93 購物/95 系/93 統/89 顯/93 訂單/96 誤/89 設/93 為/96 會/96 們/93 請/96 電話/77",
			"zh-Hant"},
		{"Simplified picture: chi_tra nearly as sure, short of the margin",
			"chi_sim+eng,chi_tra+eng",
			"淘宝/97 理赔/93 号/97 请/93 问/93 买/93 订/92 单/93 对/93 吗/88",
			"寶/92 理賠/91 號/90 請/93 問/90 買/93 訂單/93 對/93 嗎/93",
			"zh"},
		{"an English chat: too few marked words to tell",
			"chi_sim+eng,chi_tra+eng",
			"Hello/95 this/96 is/97 Amazon/93 们/90",
			"Hello/95 this/96 is/97 Amazon/93 們/90",
			""},
		{"one script configured: nothing to decide",
			"chi_sim+eng,eng",
			"这/83 里/28 购/85 系统/97 显示/93",
			"這/93 裡/93 購物/95 系/93 統/89",
			""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := New(ocr.New(ocr.Config{Languages: tt.languages}))
			script, preferred := r.pageScript([][]ocr.Word{reading(t, tt.simplified), reading(t, tt.traditional)})
			if script != tt.want {
				t.Errorf("script %q, want %q", script, tt.want)
			}
			if want := map[string]int{"": -1, "zh": 0, "zh-Hant": 1}[tt.want]; preferred != want {
				t.Errorf("preferred reading %d, want %d", preferred, want)
			}
		})
	}
}

func TestChooseReading(t *testing.T) {
	simplified := reading(t, "请/97 不/96 要/93 持/65 电/11 话/92 银/93 行人/93 员/93")
	traditional := reading(t, "請/97 不/97 要/93 掛/93 電話/92 銀/93 TAB./43")
	misread := reading(t, "mee/13 TE/13 MC/17 ME/17 aK/26 刷/92 一/97 下/97")
	read := reading(t, "需要/97 您/97 先/96 在/93 借/89 唄/88 把/56 額度/93")
	tests := []struct {
		name       string
		candidates [][]ocr.Word
		preferred  int
		want       []ocr.Word
	}{
		{"the page's script, a little less sure", [][]ocr.Word{simplified, traditional}, 1, traditional},
		{"the other model, far surer: the script's misread the bubble", [][]ocr.Word{misread, read}, 0, read},
		{"no script: the surer", [][]ocr.Word{simplified, traditional}, -1, simplified},
		{"the script's reading has nothing", [][]ocr.Word{nil, read}, 0, read},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := chooseReading(tt.candidates, tt.preferred); len(got) == 0 || got[0].Text != tt.want[0].Text {
				t.Errorf("chose %v, want %v", got, tt.want)
			}
		})
	}
}
