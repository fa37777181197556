package due

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseChineseNumber(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"〇", 0},
		{"零", 0},
		{"一", 1},
		{"二", 2},
		{"两", 2},
		{"三", 3},
		{"十", 10},
		{"十一", 11},
		{"十五", 15},
		{"二十", 20},
		{"二十一", 21},
		{"三十一", 31},
		{"一百", 100},
		{"一百零五", 105},
		{"一百一十", 110},
		{"三百五", 350},
		{"两千", 2000},
		{"两千零二十六", 2026},
		{"一千二百三十四", 1234},
		{"一千一百", 1100},
		{"一万", 10000},
		{"一万二", 12000},
		{"十万", 100000},
		{"三千零五十万", 30500000},
		{"一亿两千万", 120000000},
		{"一万亿", 1000000000000},
		{"二〇二六", 2026},
		{"二零", 20},
		{"一九九八", 1998},
		{"幺三八", 138},
		{"壹佰贰拾叁", 123},
		{"3万", 30000},
		{"3万5", 35000},
		{"15万", 150000},
		{"2026", 2026},
		{"２０２６", 2026},
		{" 十五 ", 15},
		{"负三", -3},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseChineseNumber(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseChineseNumberErrors(t *testing.T) {
	tests := []struct {
		in      string
		message string
	}{
		{"", "empty"},
		{"负", "sign without digits"},
		{"万", "has no coefficient"},
		{"百", "has no coefficient"},
		{"两三", "approximate"},
		{"三四十", "approximate"},
		{"二十二十", "out of order"},
		{"十百", "has no coefficient"},
		{"一万两万", "second 万"},
		{"一亿二亿", "second 亿"},
		{"2〇26", "mixed Arabic and Chinese"},
		{"三个", "unexpected '个'"},
		{"abc", "unexpected 'a'"},
		{"一百二零", "follows a digit"},
		{"12百", "over 9"},
		{"九九九九九九九九九九九九九九九九九九九九", "out of range"},
		{"一亿一亿", "second 亿"},
		{"一百一千", "out of order"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := ParseChineseNumber(tt.in)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrNumber)
			assert.Contains(t, err.Error(), tt.message)
		})
	}
}

func FuzzParseChineseNumber(f *testing.F) {
	for _, s := range []string{"三百五", "一万二", "二〇二六", "3万5", "负十", "壹佰", "一亿零一"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseChineseNumber(s)
		if err == nil && (n > maxNumber || n < -maxNumber) {
			t.Fatalf("%q parsed to %d, out of range", s, n)
		}
	})
}
