package classifier

import (
	"strings"
	"unicode/utf8"

	"github.com/scamguard/scamguard/catalog"
)

// Default builds the classifier from the embedded signals and the brands of
// the catalogue that a conversation can impersonate.
func Default(brands []catalog.Brand) (*Classifier, error) {
	set, err := LoadSignals(EmbeddedSignals())
	if err != nil {
		return nil, err
	}
	c, err := New(set, BrandsFromCatalog(brands))
	if err != nil {
		return nil, err
	}
	model, err := EmbeddedModel()
	if err != nil {
		return nil, err
	}
	teller, err := EmbeddedTeller()
	if err != nil {
		return nil, err
	}
	return c.WithModel(model).WithTeller(teller), nil
}

// ambiguousAliases are brand aliases that are also everyday words (平安 is
// "safe", 移动 "mobile"): seeing them says nothing about a brand.
var ambiguousAliases = map[string]bool{
	"移动": true, "电信": true, "联通": true, "平安": true, "民生": true, "华夏": true, "兴业": true,
	"光大": true, "多多": true, "蚂蚁": true, "邮政": true, "中信": true, "备用金": true,
	"spam": true,
}

// BrandsFromCatalog keeps the aliases that name a brand unambiguously: Latin
// aliases of at least three letters (not "SF", "CA", "JD") and Chinese ones
// of at least two characters that are not everyday words.
func BrandsFromCatalog(entries []catalog.Brand) []Brand {
	out := make([]Brand, 0, len(entries))
	for _, e := range entries {
		b := Brand{ID: e.ID}
		for _, alias := range e.Aliases {
			key := foldKey(alias)
			n := utf8.RuneCountInString(key)
			latin := n > 0 && classOf([]rune(key)[0]) != classOther
			if ambiguousAliases[strings.ToLower(alias)] || n < 2 || (latin && n < 3) {
				continue
			}
			b.Aliases = append(b.Aliases, alias)
		}
		if len(b.Aliases) > 0 {
			out = append(out, b)
		}
	}
	return out
}
