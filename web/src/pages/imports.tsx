export default function Page() {
  return <div className="page"><h1>imports</h1></div>;
}
