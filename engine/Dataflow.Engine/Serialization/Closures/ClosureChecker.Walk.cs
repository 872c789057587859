using System.Collections;
using Dataflow.Serialization.Records;
using Dataflow.Serialization.TypeSafety;

namespace Dataflow.Serialization.Closures;

internal sealed partial class ClosureChecker
{
    /// <summary>One check's depth-first walk, with an explicit stack (captured graphs may be deep).</summary>
    private sealed class Walk(ClosureChecker owner, Caches caches, CallSite callSite)
    {
        private const string CycleTail = ", because it refers back to an object that holds it (a reference cycle); " +
            "for a recursive function use a local function or a static method";

        private readonly Stack<Frame> _stack = new();
        private readonly HashSet<object> _onPath = new(ReferenceEqualityComparer.Instance);
        private readonly HashSet<object> _done = new(ReferenceEqualityComparer.Instance);
        private readonly HashSet<Type> _unverified = [];
        private bool _truncated;
        private int _nodes;

        public void Run(Delegate function)
        {
            _stack.Push(new Frame(function, "", 0, Step.Visit));
            while (_stack.TryPop(out var frame))
            {
                if (frame.Step == Step.Exit)
                {
                    _onPath.Remove(frame.Value);
                }
                else if (frame.Step == Step.TypeProblem)
                {
                    throw NotAllowed(frame.Path, frame.Value.GetType(), caches.Shapes.ShapeOf(frame.Value.GetType()).Deferred!);
                }
                else if (++_nodes > MaxNodes)
                {
                    _truncated = true;
                    break;
                }
                else
                {
                    Visit(frame);
                }
            }

            if (_truncated || _unverified.Count > 0)
            {
                owner.DryRun(caches, function, callSite, _unverified);
            }
        }

        private void Visit(Frame frame)
        {
            var (value, path, depth, _) = frame;
            var type = value.GetType();
            if (_onPath.Contains(value))
            {
                throw Captures(callSite, path, type, CycleTail);
            }

            if (!_done.Add(value) || WellKnownInstances.TryGetId(value, out _, out _))
            {
                return;
            }

            if (depth > MaxDepth)
            {
                throw Captures(callSite, path, type, $": it is nested more than {MaxDepth} levels deep");
            }

            if (value is Broadcasting.IBroadcast { IsDestroyed: true } broadcast)
            {
                throw Captures(callSite, path, type, $": broadcast {broadcast.Id} (created by {broadcast.CallSite}) was destroyed");
            }

            var shape = caches.Shapes.ShapeOf(type);
            switch (shape.Kind)
            {
                case CapturedTypeShapes.Kind.Rdd:
                    throw UsesRdd(callSite, path, (RddBase)value);
                case CapturedTypeShapes.Kind.Denied:
                    throw Captures(callSite, path, type, "; " + shape.Reason);
                case CapturedTypeShapes.Kind.NotAllowed:
                    throw NotAllowed(path, type, shape.Reason!);
                case CapturedTypeShapes.Kind.Delegate:
                    VisitDelegate((Delegate)value, path, depth);
                    return;
            }

            if (!caches.Verified.ContainsKey(type))
            {
                _unverified.Add(type);
            }

            if (shape.Deferred is not null)
            {
                // Popped after the members pushed below.
                _stack.Push(frame with { Step = Step.TypeProblem });
            }

            if (shape.Kind == CapturedTypeShapes.Kind.Leaf)
            {
                return;
            }

            Enter(value, frame);
            if (shape.Kind == CapturedTypeShapes.Kind.Object)
            {
                // An operator's own closure holds the user's function: paths start at the user's function, as written.
                var engineClosure = type.Assembly == typeof(ClosureChecker).Assembly && FieldwiseLayout.IsCompilerGenerated(type);
                for (var i = shape.OpenFields!.Length - 1; i >= 0; i--)
                {
                    var member = shape.OpenFields[i].GetValue(value);
                    Push(member, Join(path, engineClosure && member is Delegate ? "" : shape.OpenNames![i]), depth + 1);
                }

                return;
            }

            var index = 0;
            foreach (var element in (IEnumerable)value)
            {
                if (index == MaxElementsPerCollection)
                {
                    _truncated = true;
                    break;
                }

                Push(element, $"{path}[{index++}]", depth + 1);
            }
        }

        private void VisitDelegate(Delegate function, string path, int depth)
        {
            if (!function.HasSingleTarget)
            {
                throw new ClosureNotSerializableException(callSite, path, TypeNames.Display(function.GetType()),
                    $"closure of {callSite} {(path.Length == 0 ? "is" : $"captures '{path}', which is")} a multicast delegate (functions combined with +), which cannot be sent to workers; pass one function");
            }

            if (owner.MethodProblem(caches, function) is { } problem)
            {
                throw path.Length == 0 ? BadMethod(callSite, function, problem) : Captures(callSite, path, function.GetType(), $": {function.Method.Name} {problem}");
            }

            // What travels is the closure without the captured variables the function does not use (ClosureCleaner).
            if (ClosureCleaner.Target(function) is { } target)
            {
                Enter(function, new Frame(function, path, depth, Step.Visit));
                Push(target, Join(path, DelegateFormatter<Delegate>.TargetLabel(target)), depth + 1);
            }
        }

        private ClosureNotSerializableException NotAllowed(string path, Type type, string reason) =>
            Captures(callSite, path, type, $": {reason}; capture plain data instead, or register a formatter with DataflowSerializer");

        private void Enter(object value, Frame frame)
        {
            _onPath.Add(value);
            _stack.Push(frame with { Step = Step.Exit });
        }

        private void Push(object? value, string path, int depth)
        {
            if (value is not null)
            {
                _stack.Push(new Frame(value, path, depth, Step.Visit));
            }
        }

        private static string Join(string path, string member) => member.Length == 0 ? path : path.Length == 0 ? member : path + "." + member;

        private enum Step
        {
            Visit,
            Exit,
            TypeProblem,
        }

        private readonly record struct Frame(object Value, string Path, int Depth, Step Step);
    }
}
