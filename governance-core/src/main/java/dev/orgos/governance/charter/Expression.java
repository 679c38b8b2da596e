package dev.orgos.governance.charter;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.List;
import java.util.Map;

/**
 * A boolean CEL expression over the variable {@code action} (a map: type, agentId, amount,
 * currency, confidence, riskScore, reversible, targetSystem, parameters). Compiled once when
 * the charter is read; evaluated per action. Thread-safe.
 *
 * <p>A field the action does not carry is absent from the map, so {@code action.amount > 500}
 * raises an error on an action without an amount: the evaluator treats that as fail closed.
 * Write {@code has(action.amount) && ...} where absence is meant to be fine.
 */
public final class Expression {
    private static final CelOptions OPTIONS = CelOptions.current()
            .enableHeterogeneousNumericComparisons(true)
            .comprehensionMaxIterations(1_000)
            .build();
    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .setOptions(OPTIONS)
            .setStandardMacros(dev.cel.parser.CelStandardMacro.STANDARD_MACROS)
            .addVar("action", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .setResultType(SimpleType.BOOL)
            .build();
    private static final CelRuntime RUNTIME = CelRuntimeFactory.plannerRuntimeBuilder().setOptions(OPTIONS).build();

    private final String source;
    private final CelRuntime.Program program;

    private Expression(String source, CelRuntime.Program program) {
        this.source = source;
        this.program = program;
    }

    /** One problem in an expression, at a line and column within the expression text (1-based). */
    public record Problem(int line, int column, String message) {
    }

    /** Compiles, or returns the problems; never both. */
    public static Compiled compile(String source) {
        CelValidationResult result = COMPILER.compile(source);
        if (result.hasError()) {
            return new Compiled(null, result.getErrors().stream()
                    .map(i -> new Problem(Math.max(1, i.getSourceLocation().getLine()), i.getSourceLocation().getColumn() + 1, i.getMessage()))
                    .toList());
        }
        try {
            CelAbstractSyntaxTree ast = result.getAst();
            return new Compiled(new Expression(source, RUNTIME.createProgram(ast)), List.of());
        } catch (Exception e) {
            return new Compiled(null, List.of(new Problem(1, 1, e.getMessage())));
        }
    }

    public record Compiled(Expression expression, List<Problem> problems) {
    }

    /**
     * @throws EvaluationFailed when the expression cannot be evaluated for this action (a field
     *         it needs is missing, a type does not fit): the caller fails closed
     */
    public boolean test(Map<String, Object> action) throws EvaluationFailed {
        try {
            return (Boolean) program.eval(Map.of("action", action));
        } catch (CelEvaluationException | RuntimeException e) {
            throw new EvaluationFailed(e.getMessage());
        }
    }

    public String source() {
        return source;
    }

    /** An expression could not be evaluated for an action. */
    public static final class EvaluationFailed extends Exception {
        public EvaluationFailed(String message) {
            super(message);
        }
    }
}
