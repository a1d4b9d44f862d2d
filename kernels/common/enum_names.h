// Enums whose values have names (JSON output, CLI columns) and sentences, each stated once.
// A list macro LIST(X) calls X(id) or X(id, text) once per value, in declaration order; the
// enum, its names (the ids as strings) and its texts all come from that one list:
//
//   #define EB_FOO_VALUES(X) X(ok, "all is well") X(bad_length, "the length field is wrong")
//   enum class Foo : uint8_t { EB_FOO_VALUES(EB_ENUM_ID) count_ };
//   const char* foo_name(Foo f) { return EB_ENUM_LOOKUP(EB_FOO_VALUES, EB_ENUM_NAME, f, "unknown"); }
//   const char* foo_message(Foo f) { return EB_ENUM_LOOKUP(EB_FOO_VALUES, EB_ENUM_TEXT, f, "unknown foo"); }
//
// Stable order (JSON output, counters indexed by value): append only.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#define EB_ENUM_ID(id, ...) id,
#define EB_ENUM_NAME(id, ...) #id,
#define EB_ENUM_TEXT(id, text) text,
#define EB_ENUM_COUNT(id, ...) +1
// The FIELD (EB_ENUM_NAME or EB_ENUM_TEXT) of `value` in LIST; `fallback` for a value not in it.
#define EB_ENUM_LOOKUP(LIST, FIELD, value, fallback) ::eb::enum_text({LIST(FIELD)}, value, fallback)

// Bit flags stated once: LIST(X) calls X(constant, value, name) per flag, in the order names
// are written out. From it come the constants, their union and a {bit, name} table.
//
//   #define EB_FOO_FLAGS(X) X(kFooA, 0x1, "a") X(kFooB, 0x2, "b")
//   enum FooFlags : uint32_t { EB_FOO_FLAGS(EB_FLAG_CONSTANT) };
//   constexpr uint32_t kFooAll = 0 EB_FOO_FLAGS(EB_FLAG_OR);
//   constexpr FlagName kFooNames[] = {EB_FOO_FLAGS(EB_FLAG_ENTRY)};
#define EB_FLAG_CONSTANT(id, value, name) id = value,
#define EB_FLAG_OR(id, value, name) | id
#define EB_FLAG_ENTRY(id, value, name) {id, name},

namespace eb {

struct FlagName {
  uint32_t bit;
  const char* name;
};

// The names of `table`, each followed by `separator`: "a, b, " for the list of a message.
template <size_t N>
std::string flag_names_list(const FlagName (&table)[N], const char* separator = ", ") {
  std::string s;
  for (const FlagName& f : table) s += std::string(f.name) + separator;
  return s;
}

// table[e] for an enum whose values are 0, 1, ... in table order; `fallback` for any other.
template <typename E, size_t N>
constexpr const char* enum_text(const char* const (&table)[N], E e, const char* fallback) {
  const auto i = static_cast<size_t>(e);
  return i < N ? table[i] : fallback;
}

}  // namespace eb
