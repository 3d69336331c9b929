import Testing

@testable import Renderer

@Suite struct GoTemplateSmokeTests {
    static let cases: [TemplateCase] = [
        TemplateCase("hello", "hello"),
        TemplateCase("{{.S}}", "xyz"),
        TemplateCase("{{.U.W.X}}", "deep"),
        TemplateCase("{{if .True}}yes{{else}}no{{end}}", "yes"),
        TemplateCase("{{range .SI}}<{{.}}>{{end}}", "<3><4><5>"),
        TemplateCase(
            "{{.Nil.x}}",
            error:
                "template: t:1:6: executing \"t\" at <.Nil.x>: nil pointer evaluating interface {}.x"
        ),
    ]

    @Test(arguments: cases)
    func smoke(_ testCase: TemplateCase) {
        #expect(
            run(testCase.text, testCase.data, missingKey: testCase.missingKey) == testCase.expected)
    }
}
