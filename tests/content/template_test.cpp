#include "content/template.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

namespace communique {
namespace {

std::string render(const std::string& source, const nlohmann::json& context,
                   Template::Escape escape = Template::Escape::html) {
  auto compiled = Template::compile(source, "t.html", escape);
  EXPECT_TRUE(compiled) << (compiled ? "" : compiled.error().message);
  auto out = compiled->render(context);
  EXPECT_TRUE(out) << (out ? "" : out.error().message);
  return out ? *out : "";
}

TEST(Template, EscapesHtmlUnlessTripleBraces) {
  const nlohmann::json context{{"name", "<b>Ann & Bob</b>"}};
  EXPECT_EQ(render("Hi {{name}}", context), "Hi &lt;b&gt;Ann &amp; Bob&lt;/b&gt;");
  EXPECT_EQ(render("Hi {{{name}}}", context), "Hi <b>Ann & Bob</b>");
  EXPECT_EQ(render("Hi {{name}}", context, Template::Escape::none), "Hi <b>Ann & Bob</b>");
}

TEST(Template, SectionsListsAndNestedNames) {
  const nlohmann::json context{
      {"sender", {{"social", {{{"name", "X"}, {"url", "https://x.com/a"}}}}, {"on", true}}},
      {"off", false}};
  EXPECT_EQ(render("{{#sender.social}}[{{name}}]{{/sender.social}}", context), "[X]");
  EXPECT_EQ(render("{{#sender.on}}yes{{/sender.on}}{{#off}}no{{/off}}", context), "yes");
}

TEST(Template, EmptyStringsAreFalseInSections) {
  EXPECT_EQ(render("{{#name}}Dear {{name}}{{/name}}{{^name}}Dear reader{{/name}}",
                   nlohmann::json{{"name", ""}}),
            "Dear reader");
  EXPECT_EQ(render("{{#name}}Dear {{name}}{{/name}}", nlohmann::json{{"name", "Ann"}}), "Dear Ann");
}

TEST(Template, SeesNothingButItsContext) {
  setenv("COMMUNIQUE_TEST_SECRET", "hunter2", 1);
  const nlohmann::json context{{"name", "Ann"}};
  // Environment variables, files and configuration are not in the context.
  EXPECT_EQ(render("{{COMMUNIQUE_TEST_SECRET}}{{HOME}}{{PATH}}", context), "");
  EXPECT_EQ(render("{{> /etc/passwd}}{{> ../../communique.toml}}", context), "");
  EXPECT_EQ(render("{{#settings}}{{smtp.password}}{{/settings}}", context), "");
}

TEST(Template, BrokenTemplatesSayWhere) {
  auto unclosed = Template::compile("<p>\n  {{#items}}\n  {{name}}\n</p>", "letter.html",
                                    Template::Escape::html);
  ASSERT_FALSE(unclosed);
  EXPECT_EQ(unclosed.error().message, "letter.html line 2, column 3: Unclosed section \"items\"");
  auto bad_tag = Template::compile("Hello {{name", "letter.txt", Template::Escape::none);
  ASSERT_FALSE(bad_tag);
  EXPECT_EQ(bad_tag.error().message, "letter.txt line 1, column 7: Unclosed tag");
}

}  // namespace
}  // namespace communique
