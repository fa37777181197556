package onnxpb_test

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	ort "github.com/yalue/onnxruntime_go"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/guanxi-dev/guanxi/models"
	"github.com/guanxi-dev/guanxi/models/onnxpb"
)

// field is one decoded protobuf field.
type field struct {
	num   protowire.Number
	typ   protowire.Type
	value uint64 // varint and fixed32 fields
	bytes []byte // length-delimited fields
}

func decode(t *testing.T, b []byte) []field {
	t.Helper()
	var out []field
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		require.GreaterOrEqual(t, n, 0, "bad tag")
		b = b[n:]
		f := field{num: num, typ: typ}
		switch typ {
		case protowire.VarintType:
			f.value, n = protowire.ConsumeVarint(b)
		case protowire.Fixed32Type:
			var v uint32
			v, n = protowire.ConsumeFixed32(b)
			f.value = uint64(v)
		case protowire.BytesType:
			f.bytes, n = protowire.ConsumeBytes(b)
		default:
			t.Fatalf("unexpected wire type %d", typ)
		}
		require.GreaterOrEqual(t, n, 0, "bad value of field %d", num)
		b = b[n:]
		out = append(out, f)
	}
	return out
}

func only(t *testing.T, fs []field, num protowire.Number) []field {
	t.Helper()
	var out []field
	for _, f := range fs {
		if f.num == num {
			out = append(out, f)
		}
	}
	return out
}

func TestModelWireFormat(t *testing.T) {
	m := &onnxpb.Model{IRVersion: 8, OpsetImports: []onnxpb.OperatorSetID{{Version: 17}}}
	// ir_version (1) = 8; opset_import (8) = {version (2) = 17}.
	assert.Equal(t, []byte{0x08, 0x08, 0x42, 0x02, 0x10, 0x11}, m.Marshal())
}

func TestAttributeWritesZeroValue(t *testing.T) {
	g := &onnxpb.Graph{Nodes: []onnxpb.Node{{
		OpType:     "ReduceSum",
		Inputs:     []string{"x", ""},
		Outputs:    []string{"y"},
		Attributes: []onnxpb.Attribute{onnxpb.IntAttr("keepdims", 0), onnxpb.IntsAttr("axes", 1, -1), onnxpb.FloatAttr("alpha", 0.5)},
	}}}
	node := decode(t, only(t, decode(t, g.Marshal()), 1)[0].bytes)

	inputs := only(t, node, 1)
	require.Len(t, inputs, 2, "an empty input name is kept")
	assert.Equal(t, "", string(inputs[1].bytes))
	assert.Equal(t, "ReduceSum", string(only(t, node, 4)[0].bytes))

	attrs := only(t, node, 5)
	require.Len(t, attrs, 3)
	keepdims := decode(t, attrs[0].bytes)
	assert.Equal(t, "keepdims", string(only(t, keepdims, 1)[0].bytes))
	require.Len(t, only(t, keepdims, 3), 1, "i is written even when zero")
	assert.Zero(t, only(t, keepdims, 3)[0].value)
	assert.EqualValues(t, onnxpb.AttrInt, only(t, keepdims, 20)[0].value)

	axes := decode(t, attrs[1].bytes)
	ints := only(t, axes, 8)
	require.Len(t, ints, 2)
	assert.EqualValues(t, 1, ints[0].value)
	assert.EqualValues(t, -1, int64(ints[1].value), "negative ints are two's complement varints")
	assert.EqualValues(t, onnxpb.AttrInts, only(t, axes, 20)[0].value)

	alpha := decode(t, attrs[2].bytes)
	assert.Equal(t, float32(0.5), math.Float32frombits(uint32(only(t, alpha, 2)[0].value)))
}

func TestTensorEncoding(t *testing.T) {
	data := make([]float32, 100)
	for i := range data {
		data[i] = float32(i) - 0.25
	}
	// 400 bytes of data need a two-byte length prefix at every level.
	g := &onnxpb.Graph{Name: "g", Initializers: []onnxpb.Tensor{onnxpb.FloatTensor("w", []int64{10, 10}, data)}}
	fs := decode(t, g.Marshal())
	assert.Equal(t, "g", string(only(t, fs, 2)[0].bytes))
	tensor := decode(t, only(t, fs, 5)[0].bytes)
	dims := only(t, tensor, 1)
	require.Len(t, dims, 2)
	assert.EqualValues(t, 10, dims[0].value)
	assert.EqualValues(t, onnxpb.Float, only(t, tensor, 2)[0].value)
	assert.Equal(t, "w", string(only(t, tensor, 8)[0].bytes))
	raw := only(t, tensor, 9)[0].bytes
	require.Len(t, raw, 400)
	for i, want := range data {
		assert.Equal(t, want, math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:])))
	}

	it := onnxpb.Int64Tensor("i", nil, []int64{-2})
	assert.Equal(t, []byte{0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, it.RawData)
	assert.Empty(t, it.Dims, "a scalar has no dims")
}

func TestMarshalDeterministic(t *testing.T) {
	build := func() []byte { return testModel().Marshal() }
	assert.Equal(t, build(), build())
}

// testModel computes y = x·W + b and z = float(ids), with a symbolic batch.
func testModel() *onnxpb.Model {
	return &onnxpb.Model{
		IRVersion:    onnxpb.IRVersion8,
		OpsetImports: []onnxpb.OperatorSetID{{Version: 17}},
		ProducerName: "guanxi-test",
		DocString:    "affine map",
		Graph: &onnxpb.Graph{
			Name: "affine",
			Nodes: []onnxpb.Node{
				{OpType: "MatMul", Name: "mm", Inputs: []string{"x", "W"}, Outputs: []string{"xw"}},
				{OpType: "Add", Name: "add", Inputs: []string{"xw", "b"}, Outputs: []string{"y"}},
				{OpType: "Cast", Name: "cast", Inputs: []string{"ids"}, Outputs: []string{"z"},
					Attributes: []onnxpb.Attribute{onnxpb.IntAttr("to", int64(onnxpb.Float))}},
			},
			Initializers: []onnxpb.Tensor{
				onnxpb.FloatTensor("W", []int64{3, 2}, []float32{1, 2, 3, 4, 5, 6}),
				onnxpb.FloatTensor("b", []int64{2}, []float32{0.5, -0.5}),
			},
			Inputs: []onnxpb.ValueInfo{
				onnxpb.TensorValue("x", onnxpb.Float, onnxpb.SymDim("batch"), onnxpb.Dim(3)),
				onnxpb.TensorValue("ids", onnxpb.Int64, onnxpb.SymDim("batch")),
			},
			Outputs: []onnxpb.ValueInfo{
				onnxpb.TensorValue("y", onnxpb.Float, onnxpb.SymDim("batch"), onnxpb.Dim(2)),
				onnxpb.TensorValue("z", onnxpb.Float, onnxpb.SymDim("batch")),
			},
		},
		MetadataProps: []onnxpb.StringStringEntry{{Key: "labels", Value: `["甲","乙"]`}},
	}
}

// TestRunsInOnnxruntime loads an encoded model into onnxruntime and runs it.
func TestRunsInOnnxruntime(t *testing.T) {
	lib, err := models.LibraryPath()
	require.NoError(t, err, "run scripts/fetch-onnxruntime.sh")
	require.NoError(t, models.InitRuntime(lib))

	data := testModel().Marshal()
	inputs, outputs, err := ort.GetInputOutputInfoWithONNXData(data)
	require.NoError(t, err)
	require.Len(t, inputs, 2)
	assert.Equal(t, "x", inputs[0].Name)
	assert.Equal(t, ort.NewShape(-1, 3), inputs[0].Dimensions, "symbolic batch")
	assert.EqualValues(t, ort.TensorElementDataTypeInt64, inputs[1].DataType)
	require.Len(t, outputs, 2)
	assert.Equal(t, "y", outputs[0].Name)

	meta, err := ort.GetModelMetadataWithONNXData(data)
	require.NoError(t, err)
	defer meta.Destroy()
	producer, err := meta.GetProducerName()
	require.NoError(t, err)
	assert.Equal(t, "guanxi-test", producer)
	graphName, err := meta.GetGraphName()
	require.NoError(t, err)
	assert.Equal(t, "affine", graphName)
	labels, ok, err := meta.LookupCustomMetadataMap("labels")
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, `["甲","乙"]`, labels)

	session, err := ort.NewDynamicAdvancedSessionWithONNXData(data, []string{"x", "ids"}, []string{"y", "z"}, nil)
	require.NoError(t, err)
	defer session.Destroy()
	for _, batch := range []int64{1, 3} {
		x := make([]float32, 3*batch)
		ids := make([]int64, batch)
		for i := range x {
			x[i] = float32(i)
		}
		for i := range ids {
			ids[i] = int64(10 * i)
		}
		xT, err := ort.NewTensor(ort.NewShape(batch, 3), x)
		require.NoError(t, err)
		idsT, err := ort.NewTensor(ort.NewShape(batch), ids)
		require.NoError(t, err)
		out := []ort.Value{nil, nil}
		require.NoError(t, session.Run([]ort.Value{xT, idsT}, out))

		y := out[0].(*ort.Tensor[float32])
		assert.Equal(t, ort.NewShape(batch, 2), y.GetShape())
		for r := range batch {
			for c := range 2 {
				want := []float32{0.5, -0.5}[c]
				for k := range 3 {
					want += x[r*3+int64(k)] * []float32{1, 2, 3, 4, 5, 6}[k*2+c]
				}
				assert.InDelta(t, want, y.GetData()[r*2+int64(c)], 1e-5)
			}
		}
		z := out[1].(*ort.Tensor[float32])
		for i, id := range ids {
			assert.Equal(t, float32(id), z.GetData()[i])
		}
		for _, v := range append(out, xT, idsT) {
			require.NoError(t, v.Destroy())
		}
	}
}
