// Package onnxpb encodes the subset of the ONNX protobuf schema (onnx.proto)
// needed to write inference models: a model holding one graph of nodes,
// initializers and typed inputs and outputs.
//
// Messages are plain Go structs; Marshal writes the protobuf wire format with
// google.golang.org/protobuf/encoding/protowire. Encoding is deterministic:
// fields are written in a fixed order and repeated fields in slice order, so
// equal models always give equal bytes.
package onnxpb

import (
	"encoding/binary"
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// IRVersion8 is the ONNX IR version of models written by this package's
// users; opset 17 and IR 8 are understood by every current runtime.
const IRVersion8 = 8

// Field numbers of ModelProto.
const (
	modelIRVersion       protowire.Number = 1
	modelProducerName    protowire.Number = 2
	modelProducerVersion protowire.Number = 3
	modelDomain          protowire.Number = 4
	modelModelVersion    protowire.Number = 5
	modelDocString       protowire.Number = 6
	modelGraph           protowire.Number = 7
	modelOpsetImport     protowire.Number = 8
	modelMetadataProps   protowire.Number = 14
)

// Field numbers of OperatorSetIdProto.
const (
	opsetDomain  protowire.Number = 1
	opsetVersion protowire.Number = 2
)

// Field numbers of StringStringEntryProto.
const (
	entryKey   protowire.Number = 1
	entryValue protowire.Number = 2
)

// Field numbers of GraphProto.
const (
	graphNode        protowire.Number = 1
	graphName        protowire.Number = 2
	graphInitializer protowire.Number = 5
	graphDocString   protowire.Number = 10
	graphInput       protowire.Number = 11
	graphOutput      protowire.Number = 12
	graphValueInfo   protowire.Number = 13
)

// Field numbers of NodeProto.
const (
	nodeInput     protowire.Number = 1
	nodeOutput    protowire.Number = 2
	nodeName      protowire.Number = 3
	nodeOpType    protowire.Number = 4
	nodeAttribute protowire.Number = 5
	nodeDocString protowire.Number = 6
	nodeDomain    protowire.Number = 7
)

// Field numbers of AttributeProto.
const (
	attrName      protowire.Number = 1
	attrF         protowire.Number = 2
	attrI         protowire.Number = 3
	attrS         protowire.Number = 4
	attrT         protowire.Number = 5
	attrFloats    protowire.Number = 7
	attrInts      protowire.Number = 8
	attrStrings   protowire.Number = 9
	attrDocString protowire.Number = 13
	attrType      protowire.Number = 20
)

// Field numbers of TensorProto.
const (
	tensorDims      protowire.Number = 1
	tensorDataType  protowire.Number = 2
	tensorName      protowire.Number = 8
	tensorRawData   protowire.Number = 9
	tensorDocString protowire.Number = 12
)

// Field numbers of ValueInfoProto.
const (
	valueInfoName      protowire.Number = 1
	valueInfoType      protowire.Number = 2
	valueInfoDocString protowire.Number = 3
)

// Field numbers of TypeProto, TypeProto.Tensor, TensorShapeProto and
// TensorShapeProto.Dimension.
const (
	typeTensorType  protowire.Number = 1
	tensorTypeElem  protowire.Number = 1
	tensorTypeShape protowire.Number = 2
	shapeDim        protowire.Number = 1
	dimValue        protowire.Number = 1
	dimParam        protowire.Number = 2
)

// DataType is TensorProto.DataType: the element type of a tensor.
type DataType int32

// Element types, numbered as in onnx.proto.
const (
	Undefined DataType = 0
	Float     DataType = 1
	Uint8     DataType = 2
	Int8      DataType = 3
	Uint16    DataType = 4
	Int16     DataType = 5
	Int32     DataType = 6
	Int64     DataType = 7
	String    DataType = 8
	Bool      DataType = 9
	Float16   DataType = 10
	Double    DataType = 11
	Uint32    DataType = 12
	Uint64    DataType = 13
)

// AttributeType is AttributeProto.AttributeType: which value field an
// attribute carries.
type AttributeType int32

// Attribute types, numbered as in onnx.proto.
const (
	AttrUndefined AttributeType = 0
	AttrFloat     AttributeType = 1
	AttrInt       AttributeType = 2
	AttrString    AttributeType = 3
	AttrTensor    AttributeType = 4
	AttrFloats    AttributeType = 6
	AttrInts      AttributeType = 7
	AttrStrings   AttributeType = 8
)

// Model is ModelProto, the top-level message of a .onnx file.
type Model struct {
	IRVersion       int64
	OpsetImports    []OperatorSetID
	ProducerName    string
	ProducerVersion string
	Domain          string
	ModelVersion    int64
	DocString       string
	Graph           *Graph
	MetadataProps   []StringStringEntry
}

// OperatorSetID is OperatorSetIdProto; an empty Domain is the default ONNX
// operator set.
type OperatorSetID struct {
	Domain  string
	Version int64
}

// StringStringEntry is StringStringEntryProto, one key/value pair of model
// metadata.
type StringStringEntry struct {
	Key   string
	Value string
}

// Graph is GraphProto. Nodes must be sorted topologically.
type Graph struct {
	Nodes        []Node
	Name         string
	Initializers []Tensor
	DocString    string
	Inputs       []ValueInfo
	Outputs      []ValueInfo
	ValueInfo    []ValueInfo
}

// Node is NodeProto, one operator invocation.
type Node struct {
	Inputs     []string
	Outputs    []string
	Name       string
	OpType     string
	Domain     string
	Attributes []Attribute
	DocString  string
}

// Attribute is AttributeProto. Type selects which value field is written.
type Attribute struct {
	Name      string
	Type      AttributeType
	F         float32
	I         int64
	S         []byte
	T         *Tensor
	Floats    []float32
	Ints      []int64
	Strings   [][]byte
	DocString string
}

// Tensor is TensorProto with its elements in RawData: fixed-width,
// little-endian, row-major, as onnx.proto requires.
type Tensor struct {
	Dims      []int64
	DataType  DataType
	Name      string
	RawData   []byte
	DocString string
}

// ValueInfo is ValueInfoProto restricted to tensor types.
type ValueInfo struct {
	Name      string
	ElemType  DataType
	Shape     []Dimension
	DocString string
}

// Dimension is TensorShapeProto.Dimension: a fixed size, or a symbolic one
// when Param is set.
type Dimension struct {
	Value int64
	Param string
}

// Dim returns a fixed dimension of size n.
func Dim(n int64) Dimension { return Dimension{Value: n} }

// SymDim returns a symbolic dimension, such as "batch", whose size is fixed
// only when the model runs.
func SymDim(name string) Dimension { return Dimension{Param: name} }

// TensorValue returns the ValueInfo of a tensor named name.
func TensorValue(name string, elem DataType, shape ...Dimension) ValueInfo {
	return ValueInfo{Name: name, ElemType: elem, Shape: shape}
}

// FloatTensor returns a float32 tensor holding data in row-major order.
func FloatTensor(name string, dims []int64, data []float32) Tensor {
	raw := make([]byte, 4*len(data))
	for i, v := range data {
		binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(v))
	}
	return Tensor{Name: name, Dims: dims, DataType: Float, RawData: raw}
}

// Int64Tensor returns an int64 tensor holding data in row-major order.
func Int64Tensor(name string, dims []int64, data []int64) Tensor {
	raw := make([]byte, 8*len(data))
	for i, v := range data {
		binary.LittleEndian.PutUint64(raw[8*i:], uint64(v))
	}
	return Tensor{Name: name, Dims: dims, DataType: Int64, RawData: raw}
}

// IntAttr returns an INT attribute.
func IntAttr(name string, v int64) Attribute {
	return Attribute{Name: name, Type: AttrInt, I: v}
}

// IntsAttr returns an INTS attribute.
func IntsAttr(name string, v ...int64) Attribute {
	return Attribute{Name: name, Type: AttrInts, Ints: v}
}

// FloatAttr returns a FLOAT attribute.
func FloatAttr(name string, v float32) Attribute {
	return Attribute{Name: name, Type: AttrFloat, F: v}
}

// StringAttr returns a STRING attribute.
func StringAttr(name, v string) Attribute {
	return Attribute{Name: name, Type: AttrString, S: []byte(v)}
}

// Marshal returns the protobuf encoding of m, the content of a .onnx file.
func (m *Model) Marshal() []byte {
	return m.appendTo(nil)
}

// Marshal returns the protobuf encoding of g.
func (g *Graph) Marshal() []byte {
	return g.appendTo(nil)
}

func (m *Model) appendTo(b []byte) []byte {
	b = appendVarintField(b, modelIRVersion, uint64(m.IRVersion))
	b = appendStringField(b, modelProducerName, m.ProducerName)
	b = appendStringField(b, modelProducerVersion, m.ProducerVersion)
	b = appendStringField(b, modelDomain, m.Domain)
	if m.ModelVersion != 0 {
		b = appendVarintField(b, modelModelVersion, uint64(m.ModelVersion))
	}
	b = appendStringField(b, modelDocString, m.DocString)
	if m.Graph != nil {
		b = appendMessage(b, modelGraph, m.Graph.appendTo)
	}
	for i := range m.OpsetImports {
		b = appendMessage(b, modelOpsetImport, m.OpsetImports[i].appendTo)
	}
	for i := range m.MetadataProps {
		b = appendMessage(b, modelMetadataProps, m.MetadataProps[i].appendTo)
	}
	return b
}

func (o *OperatorSetID) appendTo(b []byte) []byte {
	b = appendStringField(b, opsetDomain, o.Domain)
	return appendVarintField(b, opsetVersion, uint64(o.Version))
}

func (e *StringStringEntry) appendTo(b []byte) []byte {
	b = appendStringField(b, entryKey, e.Key)
	return appendStringField(b, entryValue, e.Value)
}

func (g *Graph) appendTo(b []byte) []byte {
	for i := range g.Nodes {
		b = appendMessage(b, graphNode, g.Nodes[i].appendTo)
	}
	b = appendStringField(b, graphName, g.Name)
	for i := range g.Initializers {
		b = appendMessage(b, graphInitializer, g.Initializers[i].appendTo)
	}
	b = appendStringField(b, graphDocString, g.DocString)
	for i := range g.Inputs {
		b = appendMessage(b, graphInput, g.Inputs[i].appendTo)
	}
	for i := range g.Outputs {
		b = appendMessage(b, graphOutput, g.Outputs[i].appendTo)
	}
	for i := range g.ValueInfo {
		b = appendMessage(b, graphValueInfo, g.ValueInfo[i].appendTo)
	}
	return b
}

func (n *Node) appendTo(b []byte) []byte {
	for _, s := range n.Inputs {
		// An empty input name is meaningful (an omitted optional input), so
		// it is written even though it is empty.
		b = protowire.AppendTag(b, nodeInput, protowire.BytesType)
		b = protowire.AppendString(b, s)
	}
	for _, s := range n.Outputs {
		b = protowire.AppendTag(b, nodeOutput, protowire.BytesType)
		b = protowire.AppendString(b, s)
	}
	b = appendStringField(b, nodeName, n.Name)
	b = appendStringField(b, nodeOpType, n.OpType)
	for i := range n.Attributes {
		b = appendMessage(b, nodeAttribute, n.Attributes[i].appendTo)
	}
	b = appendStringField(b, nodeDocString, n.DocString)
	return appendStringField(b, nodeDomain, n.Domain)
}

func (a *Attribute) appendTo(b []byte) []byte {
	b = appendStringField(b, attrName, a.Name)
	// Only the field selected by Type is written: onnx.proto requires
	// exactly one value field, even when that value is zero.
	switch a.Type {
	case AttrFloat:
		b = protowire.AppendTag(b, attrF, protowire.Fixed32Type)
		b = protowire.AppendFixed32(b, math.Float32bits(a.F))
	case AttrInt:
		b = appendVarintField(b, attrI, uint64(a.I))
	case AttrString:
		b = protowire.AppendTag(b, attrS, protowire.BytesType)
		b = protowire.AppendBytes(b, a.S)
	case AttrTensor:
		if a.T != nil {
			b = appendMessage(b, attrT, a.T.appendTo)
		}
	case AttrFloats:
		for _, f := range a.Floats {
			b = protowire.AppendTag(b, attrFloats, protowire.Fixed32Type)
			b = protowire.AppendFixed32(b, math.Float32bits(f))
		}
	case AttrInts:
		for _, v := range a.Ints {
			b = appendVarintField(b, attrInts, uint64(v))
		}
	case AttrStrings:
		for _, s := range a.Strings {
			b = protowire.AppendTag(b, attrStrings, protowire.BytesType)
			b = protowire.AppendBytes(b, s)
		}
	}
	b = appendStringField(b, attrDocString, a.DocString)
	return appendVarintField(b, attrType, uint64(a.Type))
}

func (t *Tensor) appendTo(b []byte) []byte {
	// Repeated scalars are written unpacked, the proto2 default that
	// onnx.proto declares; every protobuf parser accepts this form.
	for _, d := range t.Dims {
		b = appendVarintField(b, tensorDims, uint64(d))
	}
	b = appendVarintField(b, tensorDataType, uint64(t.DataType))
	b = appendStringField(b, tensorName, t.Name)
	b = appendStringField(b, tensorDocString, t.DocString)
	b = protowire.AppendTag(b, tensorRawData, protowire.BytesType)
	return protowire.AppendBytes(b, t.RawData)
}

func (v *ValueInfo) appendTo(b []byte) []byte {
	b = appendStringField(b, valueInfoName, v.Name)
	b = appendMessage(b, valueInfoType, v.appendType)
	return appendStringField(b, valueInfoDocString, v.DocString)
}

// appendType writes the TypeProto of v: a TypeProto.Tensor with its shape.
func (v *ValueInfo) appendType(b []byte) []byte {
	return appendMessage(b, typeTensorType, func(b []byte) []byte {
		b = appendVarintField(b, tensorTypeElem, uint64(v.ElemType))
		return appendMessage(b, tensorTypeShape, func(b []byte) []byte {
			for i := range v.Shape {
				b = appendMessage(b, shapeDim, v.Shape[i].appendTo)
			}
			return b
		})
	})
}

func (d *Dimension) appendTo(b []byte) []byte {
	if d.Param != "" {
		return appendStringField(b, dimParam, d.Param)
	}
	return appendVarintField(b, dimValue, uint64(d.Value))
}

func appendVarintField(b []byte, num protowire.Number, v uint64) []byte {
	b = protowire.AppendTag(b, num, protowire.VarintType)
	return protowire.AppendVarint(b, v)
}

// appendStringField writes a string field, leaving out empty strings as
// absent optional fields.
func appendStringField(b []byte, num protowire.Number, s string) []byte {
	if s == "" {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendString(b, s)
}

// appendMessage writes an embedded message field. The body is encoded into
// b's spare capacity first, so its length prefix can be written without a
// second encoding pass.
func appendMessage(b []byte, num protowire.Number, body func([]byte) []byte) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	start := len(b)
	b = body(b)
	n := len(b) - start
	prefix := protowire.AppendVarint(nil, uint64(n))
	b = append(b, prefix...)
	copy(b[start+len(prefix):], b[start:start+n])
	copy(b[start:], prefix)
	return b
}
