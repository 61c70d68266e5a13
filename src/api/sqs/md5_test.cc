#include "api/sqs/md5.h"

#include <gtest/gtest.h>

namespace kumo::api::sqs {
namespace {

// The expected digests were computed independently with Debian's Python, following SQS's
// documented algorithm:
//
//   import hashlib, struct
//   def enc(b): return struct.pack('>I', len(b)) + b
//   def md5_attrs(attrs):
//       out = b''
//       for name in sorted(attrs):
//           dtype, value = attrs[name]
//           out += enc(name.encode()) + enc(dtype.encode())
//           if dtype.startswith('Binary'):
//               out += b'\x02' + enc(value)
//           else:
//               out += b'\x01' + enc(value.encode())
//       return hashlib.md5(out).hexdigest()
//
// The first four also match the examples published with the npm package
// aws-md5-of-message-attributes.

MessageAttribute Str(std::string type, std::string value) { return {type, value}; }

TEST(Md5, BodyIsPlainMd5Hex) {
  EXPECT_EQ(Md5Hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  // hashlib.md5('hello \u00e9\r\n'.encode()).hexdigest()
  EXPECT_EQ(Md5Hex("hello \xC3\xA9\r\n"), "99a175e7331fdec1d06f3ec4510da618");
}

TEST(Md5, OneStringAttribute) {
  MessageAttributes a = {{"attribName1", Str("String", "attribValue 1")}};
  EXPECT_EQ(Md5OfAttributes(a), "19e27d4e946b072f3f58da80d94fd778");
}

TEST(Md5, CustomNumberTypeUsesStringTransport) {
  MessageAttributes a = {
      {"customNumberTypeAttrib", Str("Number.float", "4563442423554324324264524243.32543234")}};
  EXPECT_EQ(Md5OfAttributes(a), "9fe1b90bbd9965bdf77bac517c7d2495");
}

TEST(Md5, BinaryUsesTransportTwoAndRawBytes) {
  MessageAttributes a = {{"binaryAttribute", Str("Binary", "Hello binary world!")}};
  EXPECT_EQ(Md5OfAttributes(a), "31a92b15d92f8db860eda32aceb656c3");
}

TEST(Md5, SeveralAttributesAreHashedInNameOrder) {
  MessageAttributes a = {
      {"attribName1", Str("String", "attribValue 1")},
      {"customNumberTypeAttrib", Str("Number.float", "4563442423554324324264524243.32543234")},
      {"binaryAttribute", Str("Binary", "Hello binary world!")},
  };
  EXPECT_EQ(Md5OfAttributes(a), "c932db14a896c663f83c260297d594ff");
}

TEST(Md5, Utf8ValuesAndLabelledBinaryWithZeroBytes) {
  MessageAttributes a = {
      {"z", Str("String", "caf\xC3\xA9 \xE2\x98\x83")},
      {"a", Str("Number", "-1.5e3")},
      {"m", Str("Binary.png", std::string("\x00\xff\x01\x80", 4))},
  };
  EXPECT_EQ(Md5OfAttributes(a), "70d2abc2647c430dc12a446d213a479c");
}

TEST(Md5, SystemAttributeTraceHeader) {
  MessageAttributes a = {
      {"AWSTraceHeader", Str("String", "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1")}};
  EXPECT_EQ(Md5OfAttributes(a), "5f48eef650c1d0207456969c85af2fdd");
}

TEST(Md5, NoAttributesNoChecksum) { EXPECT_EQ(Md5OfAttributes({}), ""); }

}  // namespace
}  // namespace kumo::api::sqs
