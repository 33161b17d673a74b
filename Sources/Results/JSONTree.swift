import Foundation
import InputLimits

/// A parsed JSON document, with the path of each value kept for error messages
/// (`targets[2].latencyMs.p99`).
public struct JSONNode: Sendable {
    public indirect enum Value: Sendable {
        case object([String: JSONNode])
        case array([JSONNode])
        case string(String)
        /// A number, kept as the shortest text that reads back as the same double, so money
        /// written with six decimals reads back exactly as a `Decimal`.
        case number(Double)
        case bool(Bool)
        case null
    }

    public var value: Value
    /// Where this value is in the document, for messages.
    public var path: String

    /// Parses JSON text; `file` names it in errors. Depth, string sizes and numbers are checked
    /// against `limits` first (`JSONBounds`).
    public static func parse(_ data: Data, file: String, limits: InputLimits = .current) throws -> JSONNode {
        try JSONBounds.check(data, file: file, limits: limits)
        let any: Any
        do { any = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) } catch {
            throw ResultError(file: file, message: "not valid JSON (\(Self.describe(error)))")
        }
        return JSONNode(any, path: "")
    }

    init(_ any: Any, path: String) {
        self.path = path
        switch any {
        case let dict as [String: Any]:
            var fields: [String: JSONNode] = [:]
            for (key, item) in dict { fields[key] = JSONNode(item, path: path.isEmpty ? key : "\(path).\(key)") }
            value = .object(fields)
        case let list as [Any]:
            value = .array(list.enumerated().map { JSONNode($1, path: "\(path)[\($0)]") })
        case let text as String: value = .string(text)
        case let number as NSNumber:
            // JSONSerialization gives booleans as NSNumber too; tell them apart by their type.
            // (booleans are stored as a C `char`).
            if String(cString: number.objCType) == "c" { value = .bool(number.boolValue) } else { value = .number(number.doubleValue) }
        default: value = .null
        }
    }

    public subscript(key: String) -> JSONNode? {
        if case .object(let fields) = value { return fields[key] }
        return nil
    }

    public var isNull: Bool { if case .null = value { return true }; return false }
    public var string: String? { if case .string(let s) = value { return s }; return nil }
    public var double: Double? { if case .number(let n) = value { return n }; return nil }
    public var array: [JSONNode]? { if case .array(let items) = value { return items }; return nil }
    public var object: [String: JSONNode]? { if case .object(let fields) = value { return fields }; return nil }
    /// A number as an exact decimal (money).
    public var decimal: Decimal? { double.flatMap { Decimal(string: "\($0)") } }

    static func describe(_ error: Error) -> String {
        let ns = error as NSError
        return (ns.userInfo[NSDebugDescriptionErrorKey] as? String) ?? ns.localizedDescription
    }
}

/// A result file that cannot be read: names the file and, where it applies, the field.
public struct ResultError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var message: String

    public init(file: String, message: String) {
        self.file = file
        self.message = message
    }

    public var description: String { "\(file): \(message)" }
}

extension JSONNode {
    /// A required field, or an error naming the file and the field's path.
    func required(_ key: String, in file: String) throws -> JSONNode {
        guard let node = self[key], !node.isNull else {
            throw ResultError(file: file, message: "\(path.isEmpty ? key : "\(path).\(key)"): missing")
        }
        return node
    }

    func string(_ key: String, in file: String) throws -> String {
        let node = try required(key, in: file)
        guard let s = node.string else { throw ResultError(file: file, message: "\(node.path): expected a string") }
        return s
    }

    func number(_ key: String, in file: String) throws -> Double {
        let node = try required(key, in: file)
        guard let n = node.double else { throw ResultError(file: file, message: "\(node.path): expected a number") }
        return n
    }

    func int(_ key: String, in file: String) throws -> Int {
        let n = try number(key, in: file)
        guard n == n.rounded(), abs(n) < 9e15 else { throw ResultError(file: file, message: "\(path).\(key): expected a whole number") }
        return Int(n)
    }

    func list(_ key: String, in file: String) throws -> [JSONNode] {
        let node = try required(key, in: file)
        guard let items = node.array else { throw ResultError(file: file, message: "\(node.path): expected a list") }
        return items
    }
}
